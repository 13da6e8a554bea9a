import { Clock } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { UseCase } from '../../shared/use-case';
import { MessageEventObserver } from '../../events/message-event-observer.port';
import { Conversation } from '../../messaging/conversation';
import { ConversationRepository } from '../../messaging/conversation.repository';
import { Message } from '../../messaging/message';
import { grantCoversConversation } from '../../shared/bot-grant';
import { grantOf } from '../bots/bot';
import { BotRepository } from '../bots/bot.repository';
import { Webhook, WebhookDeliveryStatus, WebhookEventType } from './webhook';
import { WebhookRepository } from './webhook.repository';
import { signWebhook } from './webhook-signature';
import { WebhookTransport } from './webhook-transport.port';

/** Delays before the 2nd, 3rd, … attempt (exponential); after the last one the delivery FAILED. */
export class WebhookRetryPolicy {
  constructor(readonly delaysMs: readonly number[] = [1_000, 5_000, 30_000, 120_000, 600_000]) {}
}

/** At most this many deliveries wait in memory; more are logged as FAILED at once. */
const MAX_QUEUED = 10_000;

/**
 * Outgoing webhooks: for every stored message change, each webhook that chose its conversation
 * and event gets a signed POST, while its bot is still a member (from the bot's history start on)
 * and its token is live. Attempts are logged; failures are retried with exponential backoff.
 *
 * The queue is in this process: an event is delivered by the instance that stored it, and
 * deliveries waiting for a retry are lost if that instance stops (each attempt is logged, so the
 * owner sees which event did not arrive).
 */
@UseCase()
export class DeliverWebhooks extends MessageEventObserver {
  private queued = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly bots: BotRepository,
    private readonly conversations: ConversationRepository,
    private readonly transport: WebhookTransport,
    private readonly retry: WebhookRetryPolicy,
    private readonly clock: Clock,
  ) {
    super();
  }

  override messageLogged(
    conversation: Conversation,
    kind: 'MESSAGE_ADDED' | 'MESSAGE_UPDATED',
    message: Message,
  ): void {
    const type: WebhookEventType =
      kind === 'MESSAGE_ADDED'
        ? 'message.created'
        : message.deletedAt
          ? 'message.deleted'
          : 'message.edited';
    this.fanOut(conversation, type, message).catch(() => undefined);
  }

  /** Cancels pending retries (shutdown). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async fanOut(conversation: Conversation, type: WebhookEventType, message: Message) {
    const hooks = await this.webhooks.listForConversation(conversation.tenantId, conversation.id);
    for (const hook of hooks) {
      if (!hook.events.includes(type) || !(await this.mayReceive(hook, message))) continue;
      const at = this.clock.now();
      const body = JSON.stringify({
        type,
        timestamp: at.toISOString(),
        data: {
          conversationId: conversation.id,
          conversationKind: conversation.kind,
          seq: message.seq,
          message: {
            id: message.id,
            senderId: message.senderId,
            body: message.body,
            createdAt: message.createdAt.toISOString(),
            editedAt: message.editedAt?.toISOString() ?? null,
            deletedAt: message.deletedAt?.toISOString() ?? null,
          },
        },
      });
      this.attempt(hook, `msg_${newId()}`, type, body, 1);
    }
  }

  private async mayReceive(hook: Webhook, message: Message): Promise<boolean> {
    if (message.senderId === hook.botId) return false; // its own posts are not echoed back
    const [bot, member] = await Promise.all([
      this.bots.findById(hook.tenantId, hook.botId),
      this.conversations.getMember(hook.tenantId, message.conversationId, hook.botId),
    ]);
    if (!bot || bot.revokedAt || !member) return false;
    if (!grantCoversConversation(grantOf(bot), message.conversationId)) return false;
    return message.seq >= member.historyFromSeq;
  }

  private attempt(
    hook: Webhook,
    eventId: string,
    type: WebhookEventType,
    body: string,
    attempt: number,
  ): void {
    if (this.stopped) return;
    if (attempt === 1 && this.queued >= MAX_QUEUED) {
      void this.log(hook, eventId, type, attempt, 'FAILED', null, 'delivery queue full');
      return;
    }
    this.queued++;
    void this.send(hook, eventId, type, body, attempt).finally(() => this.queued--);
  }

  private async send(
    hook: Webhook,
    eventId: string,
    type: WebhookEventType,
    body: string,
    attempt: number,
  ): Promise<void> {
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await this.transport.post(
        hook.url,
        {
          'content-type': 'application/json',
          'webhook-id': eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(hook.secret, eventId, timestamp, body),
        },
        body,
      );
      status = response.status;
    } catch (e) {
      error = e instanceof Error ? e.message.slice(0, 200) : 'delivery failed';
    }
    const delivered = status !== null && status >= 200 && status < 300;
    // 410 Gone: the receiver asks for no more; other answers and failures are retried.
    const delay = this.retry.delaysMs[attempt - 1];
    const final = delivered || status === 410 || delay === undefined;
    const outcome: WebhookDeliveryStatus = delivered ? 'DELIVERED' : final ? 'FAILED' : 'RETRYING';
    await this.log(hook, eventId, type, attempt, outcome, status, error);
    if (final || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(hook, eventId, type, body, attempt + 1);
    }, delay);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async log(
    hook: Webhook,
    eventId: string,
    eventType: WebhookEventType,
    attempt: number,
    status: WebhookDeliveryStatus,
    responseStatus: number | null,
    error: string | null,
  ): Promise<void> {
    try {
      await this.webhooks.addDelivery({
        id: newId(),
        tenantId: hook.tenantId,
        webhookId: hook.id,
        eventId,
        eventType,
        attempt,
        status,
        responseStatus,
        error,
        at: this.clock.now(),
      });
    } catch {
      // The log is best effort; delivery goes on.
    }
  }
}
