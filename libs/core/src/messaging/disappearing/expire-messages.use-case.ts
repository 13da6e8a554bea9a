import { Clock } from '../../shared/clock';
import { UseCase } from '../../shared/use-case';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { AttachmentRepository } from '../../media/attachment.repository';
import { ExpiredMessageRef, MessageRepository } from '../message.repository';

/**
 * The sweeper of disappearing messages: deletes messages whose expiresAt has passed (no
 * tombstone, no log entry) and tells their conversation's followers (MESSAGES_EXPIRED) so
 * clients purge them. Their attachments are expired first, so the attachment sweep deletes the
 * files (a crash in between leaves messages the next sweep deletes, never orphaned files).
 * Reads leave expired messages out before this runs. Safe on every instance at once: each
 * message is deleted by one of them, and only that one reports it.
 */
@UseCase()
export class ExpireMessages {
  constructor(
    private readonly messages: MessageRepository,
    private readonly attachments: AttachmentRepository,
    private readonly publisher: RealtimePublisher,
    private readonly clock: Clock,
  ) {}

  /** Deletes up to `limit` expired messages; returns how many were due. */
  async sweep(limit = 200): Promise<number> {
    const now = this.clock.now();
    const due = await this.messages.listExpired(now, limit);
    const groups = new Map<string, ExpiredMessageRef[]>();
    for (const ref of due) {
      const key = `${ref.tenantId}\u0000${ref.conversationId}`;
      const group = groups.get(key);
      if (group) group.push(ref);
      else groups.set(key, [ref]);
    }
    for (const refs of groups.values()) {
      const { tenantId, conversationId } = refs[0]!;
      for (const ref of refs) await this.attachments.expireWithMessage(tenantId, ref.id, now);
      const deleted = new Set(
        await this.messages.deleteExpired(
          tenantId,
          refs.map((r) => r.id),
          now,
        ),
      );
      const gone = refs.filter((r) => deleted.has(r.id));
      if (gone.length === 0) continue;
      const seqs = gone.map((r) => r.seq);
      await this.publisher.toConversation({
        type: 'MESSAGES_EXPIRED',
        tenantId,
        conversationId,
        messageIds: gone.map((r) => r.id),
        fromSeq: Math.min(...seqs),
        toSeq: Math.max(...seqs),
      });
    }
    return due.length;
  }
}
