import { DomainService } from '../../shared/domain-service';
import { newId } from '../../shared/ids';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { ConversationRepository } from '../../messaging/conversation.repository';
import { MessageRepository } from '../../messaging/message.repository';
import { NO_MENTIONS } from '../../messaging/mention-syntax';
import { Call, CallSummary } from '../call';

/** What the history says of an ended call; never called for a live one. */
export function summarize(call: Call): CallSummary {
  const reason = call.endReason ?? 'HANGUP';
  const answered = call.answeredAt !== null;
  const duration =
    answered && call.endedAt
      ? Math.max(0, Math.round((call.endedAt.getTime() - call.answeredAt!.getTime()) / 1000))
      : null;
  return {
    callId: call.id,
    media: call.media,
    outcome: answered ? 'COMPLETED' : reason === 'DECLINED' ? 'DECLINED' : 'MISSED',
    endReason: reason,
    durationSeconds: duration,
  };
}

/** The text a client without call rendering shows (and search finds). */
export function historyText(summary: CallSummary): string {
  const what = summary.media === 'VIDEO' ? 'video call' : 'voice call';
  switch (summary.outcome) {
    case 'COMPLETED': {
      const s = summary.durationSeconds ?? 0;
      const clock = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
      return `${what[0]!.toUpperCase()}${what.slice(1)} (${clock})`;
    }
    case 'MISSED':
      return `Missed ${what}`;
    case 'DECLINED':
      return `Declined ${what}`;
  }
}

/**
 * Records an ended call as a message of its conversation, sent as the caller: it gets the next
 * seq like any message, so a resuming client replays it. Idempotent per call (the client
 * message id is `call:<id>`), so two instances finishing one call record it once.
 */
@DomainService()
export class CallHistory {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly publisher: RealtimePublisher,
  ) {}

  async record(call: Call): Promise<void> {
    const conversation = await this.conversations.findById(call.tenantId, call.conversationId);
    if (!conversation) return;
    const summary = summarize(call);
    const result = await this.messages.append({
      id: newId(),
      tenantId: call.tenantId,
      conversationId: call.conversationId,
      senderId: call.callerId,
      clientMessageId: `call:${call.id}`,
      body: historyText(summary),
      replyToId: null,
      mentions: NO_MENTIONS,
      call: summary,
      createdAt: call.endedAt ?? call.createdAt,
    });
    if (result.created && result.event)
      await this.publisher.logged(conversation, result.event, result.message);
  }
}
