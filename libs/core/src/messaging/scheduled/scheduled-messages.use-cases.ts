import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, newId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { BlockRepository } from '../../identity/contact.repository';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { AccountStanding } from '../../moderation/account-standing';
import { otherMemberOf } from '../conversation';
import { ConversationAccess } from '../conversation-access';
import { CLIENT_MESSAGE_ID, MAX_BODY_LENGTH, SendMessages } from '../messages/messages.use-cases';
import { ScheduledMessage } from './scheduled-message';
import { ScheduledMessageRepository } from './scheduled-message.repository';

/** The list of one user's scheduled messages is read whole, at most this many. */
export const SCHEDULED_LIST_LIMIT = 200;
/** sendAt must be at least this far ahead when scheduling or rescheduling. */
const MIN_LEAD_MS = 1_000;
/** Errors after which a claimed message is retried later instead of failing. */
const TRANSIENT: readonly string[] = ['RATE_LIMITED', 'UNAVAILABLE'];

/**
 * Scheduled messages ("send later"): the sender schedules a message for a conversation they
 * belong to, lists, edits and cancels it while it waits. A durable scheduler (`fireDue`, run on
 * every instance) claims due messages atomically in the store and sends each through the
 * ordinary idempotent send as its sender: a crash after the send and before the claim is done
 * only resends the same clientMessageId, which answers the first message. A send the sender may
 * no longer make (left, blocked, banned…) marks the message FAILED with the reason.
 */
@UseCase()
export class ScheduleMessages {
  constructor(
    private readonly scheduled: ScheduledMessageRepository,
    private readonly access: ConversationAccess,
    private readonly blocks: BlockRepository,
    private readonly sender: SendMessages,
    private readonly standing: AccountStanding,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async schedule(
    actor: Actor,
    input: { conversationId: string; body: string; sendAt: Date; clientMessageId: string },
  ): Promise<ScheduledMessage> {
    if (
      typeof input.clientMessageId !== 'string' ||
      !CLIENT_MESSAGE_ID.test(input.clientMessageId)
    ) {
      throw invalid(
        'clientMessageId',
        'clientMessageId must be 1–64 characters of A–Z, a–z, 0–9, _ . : -',
      );
    }
    const body = this.checkBody(input.body);
    const now = this.clock.now();
    const sendAt = this.checkSendAt(input.sendAt, now);
    const { conversation } = await this.access.member(actor, input.conversationId);
    const other = otherMemberOf(conversation, actor.userId);
    if (other && (await this.blocks.isBlockedEitherWay(actor.tenantId, actor.userId, other)))
      throw new DomainError('BLOCKED', 'you cannot message this user');
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const pending = await this.scheduled.countPending(actor.tenantId, actor.userId);
    if (pending >= this.settings.maxScheduledPerUser)
      throw new DomainError(
        'QUOTA_EXCEEDED',
        `at most ${this.settings.maxScheduledPerUser} scheduled messages may wait at once`,
        { field: 'sendAt', reason: 'TOO_MANY_SCHEDULED', limit: this.settings.maxScheduledPerUser },
      );
    const { scheduled, created } = await this.scheduled.create({
      id: newId(),
      tenantId: actor.tenantId,
      conversationId: conversation.id,
      senderId: actor.userId,
      clientMessageId: input.clientMessageId,
      body,
      sendAt,
      state: 'PENDING',
      failure: null,
      claimedUntil: null,
      createdAt: now,
      updatedAt: now,
    });
    if (
      !created &&
      (scheduled.conversationId !== conversation.id ||
        (scheduled.state === 'PENDING' &&
          (scheduled.body !== body || scheduled.sendAt.getTime() !== sendAt.getTime())))
    )
      throw new DomainError(
        'CONFLICT',
        'this clientMessageId was already used for a different message; use a new one',
        { field: 'clientMessageId', reason: 'CLIENT_MESSAGE_ID_REUSED' },
      );
    return scheduled;
  }

  /** My scheduled messages (waiting or failed), optionally of one conversation, soonest first. */
  async mine(actor: Actor, conversationId?: string | null): Promise<ScheduledMessage[]> {
    let only: string | null = null;
    if (conversationId !== undefined && conversationId !== null) {
      const { conversation } = await this.access.reader(actor, conversationId);
      only = conversation.id;
    }
    return this.scheduled.listBySender(actor.tenantId, actor.userId, only, SCHEDULED_LIST_LIMIT);
  }

  /** Changes the body and/or time of a message that has not fired yet. */
  async edit(
    actor: Actor,
    id: string,
    change: { body?: string | null; sendAt?: Date | null },
  ): Promise<ScheduledMessage> {
    const existing = await this.own(actor, id);
    const patch: { body?: string; sendAt?: Date } = {};
    if (change.body !== undefined && change.body !== null) patch.body = this.checkBody(change.body);
    const now = this.clock.now();
    if (change.sendAt !== undefined && change.sendAt !== null)
      patch.sendAt = this.checkSendAt(change.sendAt, now);
    if (patch.body === undefined && patch.sendAt === undefined)
      throw invalid('body', 'give a new body or a new sendAt');
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const updated = await this.scheduled.update(
      actor.tenantId,
      existing.id,
      actor.userId,
      patch,
      now,
    );
    if (!updated) throw notWaiting();
    return updated;
  }

  /** Cancels a waiting message, or dismisses a failed one. */
  async cancel(actor: Actor, id: string): Promise<boolean> {
    const existing = await this.own(actor, id);
    if (existing.state === 'SENDING') throw notWaiting();
    if (!(await this.scheduled.cancel(actor.tenantId, existing.id, actor.userId)))
      throw notWaiting();
    return true;
  }

  /**
   * Claims and sends up to `limit` due messages; returns how many it claimed. Safe to run on
   * every instance at once: each message is claimed by one of them (a lease), and a claim whose
   * instance died is claimed again after the lease and re-sent idempotently.
   */
  async fireDue(limit = 50): Promise<number> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.settings.scheduleLeaseMs);
    const due = await this.scheduled.claimDue(now, leaseUntil, limit);
    for (const s of due) await this.fire(s);
    return due.length;
  }

  private async fire(s: ScheduledMessage): Promise<void> {
    const actor: Actor = { tenantId: s.tenantId, userId: s.senderId, sessionId: null };
    try {
      await this.standing.assertActive(s.tenantId, s.senderId);
      await this.sender.send(
        actor,
        { conversationId: s.conversationId, clientMessageId: s.clientMessageId, body: s.body },
        { scheduled: true },
      );
      await this.scheduled.completeSent(s.tenantId, s.id);
    } catch (error) {
      if (error instanceof DomainError && !TRANSIENT.includes(error.code)) {
        await this.scheduled.markFailed(s.tenantId, s.id, error.code, this.clock.now());
        return;
      }
      if (error instanceof DomainError) {
        await this.scheduled.release(s.tenantId, s.id);
        return;
      }
      // Unknown (store or bus) failure: the lease runs out and another tick retries it.
      throw error;
    }
  }

  private async own(actor: Actor, id: string): Promise<ScheduledMessage> {
    const found = isWellFormedId(id) ? await this.scheduled.findById(actor.tenantId, id) : null;
    if (!found || found.senderId !== actor.userId) throw notFound('scheduled message');
    return found;
  }

  private checkBody(body: string): string {
    return checkText('body', body, {
      min: 1,
      max: MAX_BODY_LENGTH,
      multiline: true,
      keepVerbatim: true,
    });
  }

  private checkSendAt(sendAt: Date, now: Date): Date {
    if (!(sendAt instanceof Date) || Number.isNaN(sendAt.getTime()))
      throw invalid('sendAt', 'sendAt must be a date');
    const ms = sendAt.getTime() - now.getTime();
    if (ms < MIN_LEAD_MS) throw invalid('sendAt', 'sendAt must be in the future');
    if (ms > this.settings.scheduleHorizonMs)
      throw invalid(
        'sendAt',
        `sendAt must be within ${Math.round(this.settings.scheduleHorizonMs / 86_400_000)} days`,
      );
    return new Date(sendAt.getTime());
  }
}

const notWaiting = () =>
  new DomainError('CONFLICT', 'this scheduled message is being sent and can no longer change', {
    reason: 'SCHEDULED_NOT_PENDING',
  });
