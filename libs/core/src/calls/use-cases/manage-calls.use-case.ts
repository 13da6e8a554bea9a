import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, forbidden, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, newId, UserId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { BlockRepository } from '../../identity/contact.repository';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { otherMemberOf } from '../../messaging/conversation';
import { ConversationAccess } from '../../messaging/conversation-access';
import { Call, CallEndReason, CallMedia, isLive, otherParty } from '../call';
import { CallRepository } from '../call.repository';
import {
  CallSignal,
  CallSignalKind,
  checkCandidates,
  checkSdp,
  SdpType,
  withoutOffer,
} from '../call-signal';
import { CallHistory } from './call-history';

const MEDIA: readonly CallMedia[] = ['VOICE', 'VIDEO'];
/** Reasons a party may give when hanging up (the others are the server's to decide). */
const HANGUP_REASONS: readonly CallEndReason[] = ['HANGUP', 'FAILED'];

/** Where a signal goes: one user's devices, optionally one device or all but one. */
interface Target {
  userId: UserId;
  sessionId?: string | null;
  exceptSessionId?: string | null;
}

/**
 * One-to-one calls in direct conversations. The state lives in the store (CallRepository), so
 * any instance can take any step; signals go on the two parties' user topics only. An invite
 * rings every device of the callee; the first answer wins (a compare-and-set in the store) and
 * the callee's other devices are told ANSWERED_ELSEWHERE. An invite nobody answers expires into
 * a missed call (a timer on the instance that started it, and `expireDue` for invites whose
 * instance went away). Every ended call becomes a message of the conversation's history.
 */
@UseCase()
export class ManageCalls {
  constructor(
    private readonly calls: CallRepository,
    private readonly access: ConversationAccess,
    private readonly blocks: BlockRepository,
    private readonly history: CallHistory,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async start(
    actor: Actor,
    input: { conversationId: string; media: CallMedia; sdp: string },
  ): Promise<Call> {
    if (!MEDIA.includes(input.media)) throw invalid('media', 'media must be VOICE or VIDEO');
    const sdp = checkSdp('sdp', input.sdp);
    const { conversation } = await this.access.member(actor, input.conversationId);
    const calleeId = otherMemberOf(conversation, actor.userId);
    if (!calleeId) throw forbidden('calls are only possible in direct conversations');
    if (await this.blocks.isBlockedEitherWay(actor.tenantId, actor.userId, calleeId))
      throw new DomainError('BLOCKED', 'you cannot call this user');
    await enforceRateLimit(
      this.limiter,
      `call-start:${actor.tenantId}:${actor.userId}`,
      this.settings.callStartsPerUser,
      'calls',
    );
    const now = this.clock.now();
    const [mine, theirs] = await Promise.all([
      this.calls.findLive(actor.tenantId, actor.userId, now),
      this.calls.findLive(actor.tenantId, calleeId, now),
    ]);
    if (mine.length > 0) throw new DomainError('BUSY', 'you are already in a call');
    if (theirs.length > 0) throw new DomainError('BUSY', 'the user is in another call');
    const call: Call = {
      id: newId(),
      tenantId: actor.tenantId,
      conversationId: conversation.id,
      callerId: actor.userId,
      calleeId,
      callerSessionId: actor.sessionId,
      calleeSessionId: null,
      media: input.media,
      offerSdp: sdp,
      state: 'RINGING',
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.callInviteTimeoutMs),
      answeredAt: null,
      endedAt: null,
      endReason: null,
    };
    await this.calls.create(call);
    this.clock.setTimer(this.settings.callInviteTimeoutMs, () => {
      void this.expire(call.tenantId, call.id).catch(() => undefined);
    });
    await this.signal({ userId: calleeId }, 'INVITE', call, actor.userId, {
      sdp,
      sdpType: 'offer',
    });
    return call;
  }

  /** The callee answers on this device; the first answer wins. */
  async answer(actor: Actor, callId: string, sdp: string): Promise<Call> {
    const answerSdp = checkSdp('sdp', sdp);
    const call = await this.load(actor, callId);
    if (call.calleeId !== actor.userId) throw forbidden('only the callee can answer');
    await this.signalLimit(actor);
    await this.endIfBlocked(call);
    const answered = await this.calls.answer(
      actor.tenantId,
      call.id,
      actor.sessionId,
      this.clock.now(),
    );
    if (!answered) {
      const now = await this.calls.findById(actor.tenantId, call.id);
      throw new DomainError(
        'CONFLICT',
        now?.state === 'ACTIVE' ? 'the call was answered elsewhere' : 'the call has ended',
      );
    }
    await Promise.all([
      this.signal(
        { userId: answered.callerId, sessionId: answered.callerSessionId },
        'ANSWERED',
        answered,
        actor.userId,
        { sdp: answerSdp, sdpType: 'answer' },
      ),
      // With an app-issued token the devices cannot be told apart: the others learn at ENDED.
      actor.sessionId
        ? this.signal(
            { userId: actor.userId, exceptSessionId: actor.sessionId },
            'ANSWERED_ELSEWHERE',
            answered,
            actor.userId,
          )
        : Promise.resolve(),
    ]);
    return answered;
  }

  /** ICE candidates, in batches, for the other party's device in the call. */
  async candidates(actor: Actor, callId: string, candidates: readonly string[]): Promise<Call> {
    const checked = checkCandidates(candidates);
    const call = await this.liveCallOfDevice(actor, callId);
    await this.signalLimit(actor);
    await this.signal(this.peerOf(call, actor), 'CANDIDATES', call, actor.userId, {
      candidates: checked,
    });
    return call;
  }

  /** A new offer or answer in an answered call (turning video on, an ICE restart). */
  async renegotiate(actor: Actor, callId: string, sdp: string, sdpType: SdpType): Promise<Call> {
    if (sdpType !== 'offer' && sdpType !== 'answer')
      throw invalid('sdpType', 'sdpType must be offer or answer');
    const checked = checkSdp('sdp', sdp);
    const call = await this.liveCallOfDevice(actor, callId);
    if (call.state !== 'ACTIVE') throw new DomainError('CONFLICT', 'the call is not answered yet');
    await this.signalLimit(actor);
    await this.signal(this.peerOf(call, actor), 'RENEGOTIATE', call, actor.userId, {
      sdp: checked,
      sdpType,
    });
    return call;
  }

  /**
   * The callee declines a ringing call (on any of their devices). Ending a call never counts
   * against the signal budget: each call ends once, and a party who spent the budget on
   * candidates must still be able to hang up (an answered call left open keeps both busy).
   */
  async reject(actor: Actor, callId: string): Promise<Call> {
    const call = await this.load(actor, callId);
    if (call.calleeId !== actor.userId) throw forbidden('only the callee can decline');
    return this.finish(call, ['RINGING'], 'DECLINED', actor.userId);
  }

  /**
   * Either party ends the call: a ringing call hung up by the caller is CANCELLED (a missed call
   * for the callee), by the callee DECLINED; an answered one ends with the reason given.
   */
  async hangUp(actor: Actor, callId: string, reason: CallEndReason = 'HANGUP'): Promise<Call> {
    if (!HANGUP_REASONS.includes(reason))
      throw invalid('reason', 'reason must be HANGUP or FAILED');
    const call = await this.load(actor, callId);
    if (call.state === 'RINGING') {
      const ringing = actor.userId === call.callerId ? 'CANCELLED' : 'DECLINED';
      return this.finish(call, ['RINGING'], reason === 'FAILED' ? 'FAILED' : ringing, actor.userId);
    }
    return this.finish(call, ['ACTIVE'], reason, actor.userId);
  }

  /** The caller's live calls (ringing or answered), so a device that just connected can ring. */
  async live(actor: Actor): Promise<Call[]> {
    return this.calls.findLive(actor.tenantId, actor.userId, this.clock.now());
  }

  async get(actor: Actor, callId: string): Promise<Call> {
    return this.load(actor, callId);
  }

  /** Expires one invite if it still rings past its time: a missed call. */
  async expire(tenantId: string, callId: string): Promise<Call | null> {
    const call = await this.calls.findById(tenantId, callId);
    if (!call || call.state !== 'RINGING' || call.expiresAt > this.clock.now()) return null;
    return this.finishOrNull(call, ['RINGING'], 'MISSED', call.calleeId);
  }

  /**
   * Ends an answered call a party left without hanging up (see AbandonedCalls): FAILED, as of
   * `at` (when they were first seen gone), so the history's duration leaves the grace out.
   */
  async endLost(call: Call, goneUserId: UserId, at: Date): Promise<Call | null> {
    return this.finishOrNull(call, ['ACTIVE'], 'FAILED', goneUserId, at);
  }

  /** Expires every invite past its time (invites whose instance stopped before its timer). */
  async expireDue(limit = 100): Promise<number> {
    const due = await this.calls.listExpired(this.clock.now(), limit);
    let expired = 0;
    for (const call of due) if (await this.expire(call.tenantId, call.id)) expired++;
    return expired;
  }

  private async finish(
    call: Call,
    from: readonly ('RINGING' | 'ACTIVE')[],
    reason: CallEndReason,
    by: UserId,
  ): Promise<Call> {
    const ended = await this.finishOrNull(call, from, reason, by);
    if (!ended) throw new DomainError('CONFLICT', 'the call has already ended');
    return ended;
  }

  private async finishOrNull(
    call: Call,
    from: readonly ('RINGING' | 'ACTIVE')[],
    reason: CallEndReason,
    by: UserId,
    at: Date = this.clock.now(),
  ): Promise<Call | null> {
    const ended = await this.calls.end(call.tenantId, call.id, from, reason, at);
    if (!ended) return null;
    await Promise.all([
      this.signal({ userId: ended.callerId }, 'ENDED', ended, by, { reason }),
      this.signal({ userId: ended.calleeId }, 'ENDED', ended, by, { reason }),
    ]);
    await this.history.record(ended);
    return ended;
  }

  private async load(actor: Actor, callId: string): Promise<Call> {
    const call = isWellFormedId(callId) ? await this.calls.findById(actor.tenantId, callId) : null;
    // Non-parties learn nothing, as for a conversation they are not in.
    if (!call || (call.callerId !== actor.userId && call.calleeId !== actor.userId))
      throw notFound('call');
    return call;
  }

  /** A live call, signalled from the device that takes part in it. */
  private async liveCallOfDevice(actor: Actor, callId: string): Promise<Call> {
    const call = await this.load(actor, callId);
    if (!isLive(call, this.clock.now())) throw new DomainError('CONFLICT', 'the call has ended');
    const device = actor.userId === call.callerId ? call.callerSessionId : call.calleeSessionId;
    const answeredHere = call.state === 'RINGING' && actor.userId === call.calleeId;
    if (!answeredHere && device !== null && device !== actor.sessionId)
      throw forbidden('the call is on another device');
    await this.endIfBlocked(call);
    return call;
  }

  /** A block either way ends the call at its next signal (reason BLOCKED) and refuses the signal. */
  private async endIfBlocked(call: Call): Promise<void> {
    if (!(await this.blocks.isBlockedEitherWay(call.tenantId, call.callerId, call.calleeId)))
      return;
    await this.finishOrNull(call, ['RINGING', 'ACTIVE'], 'BLOCKED', call.calleeId);
    throw new DomainError('BLOCKED', 'the call ended: one of you blocked the other');
  }

  /** The other party's device in the call (every device of the callee while it rings). */
  private peerOf(call: Call, actor: Actor): Target {
    const peer = otherParty(call, actor.userId);
    return {
      userId: peer,
      sessionId: peer === call.callerId ? call.callerSessionId : call.calleeSessionId,
    };
  }

  private signalLimit(actor: Actor): Promise<void> {
    return enforceRateLimit(
      this.limiter,
      `call-signal:${actor.tenantId}:${actor.userId}`,
      this.settings.callSignalsPerUser,
      'call signals',
    );
  }

  private async signal(
    to: Target,
    kind: CallSignalKind,
    call: Call,
    fromUserId: UserId,
    extra: Partial<Pick<CallSignal, 'sdp' | 'sdpType' | 'candidates' | 'reason'>> = {},
  ): Promise<void> {
    const signal: CallSignal = {
      kind,
      call: withoutOffer(call),
      fromUserId,
      sdp: extra.sdp ?? null,
      sdpType: extra.sdpType ?? null,
      candidates: extra.candidates ?? [],
      reason: extra.reason ?? null,
    };
    await this.publisher.toUser(to.userId, {
      type: 'CALL',
      tenantId: call.tenantId,
      userId: to.userId,
      sessionId: to.sessionId ?? null,
      exceptSessionId: to.exceptSessionId ?? null,
      signal,
    });
  }
}
