import { invalid } from '../shared/domain-error';
import { UserId } from '../shared/ids';
import { Call, CallEndReason } from './call';

/**
 * What one party's devices are told about a call. INVITE rings the callee (with the offer);
 * ANSWERED gives the caller the answer; ANSWERED_ELSEWHERE stops the callee's other devices;
 * CANDIDATES carries ICE candidates in batches; RENEGOTIATE carries a new offer or answer (video
 * turned on); ENDED ends it on every device of both parties, with the reason.
 */
export type CallSignalKind =
  'INVITE' | 'ANSWERED' | 'ANSWERED_ELSEWHERE' | 'CANDIDATES' | 'RENEGOTIATE' | 'ENDED';

export type SdpType = 'offer' | 'answer';

export interface CallSignal {
  kind: CallSignalKind;
  /** The call as of the signal (without the offer, which only INVITE carries in `sdp`). */
  call: Omit<Call, 'offerSdp'>;
  fromUserId: UserId;
  sdp: string | null;
  sdpType: SdpType | null;
  candidates: string[];
  reason: CallEndReason | null;
}

/** Session descriptions of real browsers stay well under this; anything larger is refused. */
export const MAX_SDP_LENGTH = 32_000;
/** Candidates per batch, and characters per candidate (a JSON RTCIceCandidateInit). */
export const MAX_CANDIDATES_PER_BATCH = 32;
export const MAX_CANDIDATE_LENGTH = 1_024;

// Printable ASCII with CR, LF and tab: what SDP and serialized candidates consist of.
const SIGNAL_TEXT = /^[\x20-\x7E\r\n\t]*$/;

export function checkSdp(field: string, sdp: unknown): string {
  if (typeof sdp !== 'string' || !sdp.startsWith('v=0'))
    throw invalid(field, `${field} must be a session description (starting with v=0)`);
  if (sdp.length > MAX_SDP_LENGTH)
    throw invalid(field, `${field} must be at most ${MAX_SDP_LENGTH} characters`);
  if (!SIGNAL_TEXT.test(sdp)) throw invalid(field, `${field} contains characters SDP cannot`);
  return sdp;
}

export function checkCandidates(candidates: unknown): string[] {
  if (
    !Array.isArray(candidates) ||
    candidates.length < 1 ||
    candidates.length > MAX_CANDIDATES_PER_BATCH
  )
    throw invalid('candidates', `send 1–${MAX_CANDIDATES_PER_BATCH} candidates at a time`);
  for (const c of candidates) {
    if (
      typeof c !== 'string' ||
      c.length < 1 ||
      c.length > MAX_CANDIDATE_LENGTH ||
      !SIGNAL_TEXT.test(c)
    )
      throw invalid(
        'candidates',
        `each candidate must be 1–${MAX_CANDIDATE_LENGTH} printable characters`,
      );
  }
  return candidates as string[];
}

export const withoutOffer = (call: Call): Omit<Call, 'offerSdp'> => {
  const { offerSdp: _offer, ...rest } = call;
  return rest;
};
