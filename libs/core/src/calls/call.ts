import { ConversationId, TenantId, UserId } from '../shared/ids';

export type CallMedia = 'VOICE' | 'VIDEO';

/** RINGING until answered, rejected, cancelled or expired; ACTIVE once answered; then ENDED. */
export type CallState = 'RINGING' | 'ACTIVE' | 'ENDED';

/**
 * Why a call ended. HANGUP: a party hung up an answered call; CANCELLED: the caller hung up
 * while it rang; DECLINED: the callee rejected it; MISSED: nobody answered in time; FAILED: a
 * party could not connect (ICE failure, no media), or left an answered call without hanging up
 * (see AbandonedCalls); BLOCKED: a block ended it.
 */
export type CallEndReason = 'HANGUP' | 'CANCELLED' | 'DECLINED' | 'MISSED' | 'FAILED' | 'BLOCKED';

export const CALL_END_REASONS: readonly CallEndReason[] = [
  'HANGUP',
  'CANCELLED',
  'DECLINED',
  'MISSED',
  'FAILED',
  'BLOCKED',
];

/** A one-to-one call in a direct conversation. Devices are sign-in sessions. */
export interface Call {
  id: string;
  tenantId: TenantId;
  conversationId: ConversationId;
  callerId: UserId;
  calleeId: UserId;
  /** The caller's device (its session); null for app-issued tokens (any of the caller's devices). */
  callerSessionId: string | null;
  /** The callee's device that answered; null until answered (or for app-issued tokens). */
  calleeSessionId: string | null;
  media: CallMedia;
  /** The caller's SDP offer, so a device that connects while the call rings can still answer. */
  offerSdp: string;
  state: CallState;
  createdAt: Date;
  /** When an unanswered invite becomes a missed call. */
  expiresAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  endReason: CallEndReason | null;
}

/** What a conversation's history keeps of a call (on the message that records it). */
export interface CallSummary {
  callId: string;
  media: CallMedia;
  /** COMPLETED: answered (with a duration); MISSED, DECLINED: never answered. */
  outcome: 'COMPLETED' | 'MISSED' | 'DECLINED';
  endReason: CallEndReason;
  /** Seconds between answer and end; null when never answered. */
  durationSeconds: number | null;
}

/** A call is live while it rings (and has not expired) or is answered and not ended. */
export const isLive = (call: Call, now: Date): boolean =>
  call.state === 'ACTIVE' || (call.state === 'RINGING' && call.expiresAt > now);

export const otherParty = (call: Call, userId: UserId): UserId =>
  call.callerId === userId ? call.calleeId : call.callerId;

/** The caller's offer is for the callee alone, and only while the call rings. */
export const offerSdpSeenBy = (
  call: Pick<Call, 'state' | 'calleeId' | 'offerSdp'>,
  viewer: UserId,
): string | null =>
  call.state === 'RINGING' && call.calleeId === viewer ? (call.offerSdp ?? null) : null;
