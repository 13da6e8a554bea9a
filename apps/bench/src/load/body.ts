/**
 * Message bodies carry everything a receiver needs to score a delivery, so that the
 * three targets can be measured the same way whatever their wire format:
 * `b1|<phase>|<event>|<scheduledUs>|<senderConn>|<publisherSeq>`.
 */
export interface BodyFields {
  phase: number;
  event: number;
  /** Monotonic clock (µs) at which the send was scheduled, not when it went out. */
  scheduledUs: number;
  senderConn: number;
  /** Per-room sequence number assigned by the publisher (the baselines' dedupe key). */
  publisherSeq: number;
}

const PREFIX = 'b1|';

export function encodeBody(f: BodyFields, padTo = 0): string {
  const s = `${PREFIX}${f.phase}|${f.event}|${f.scheduledUs}|${f.senderConn}|${f.publisherSeq}|`;
  return padTo > s.length ? s + 'x'.repeat(padTo - s.length) : s;
}

export function decodeBody(body: string): BodyFields | undefined {
  if (!body.startsWith(PREFIX)) return undefined;
  const parts = body.split('|', 6);
  if (parts.length < 6) return undefined;
  const nums = parts.slice(1, 6).map(Number);
  if (nums.some((n) => !Number.isFinite(n))) return undefined;
  const [phase, event, scheduledUs, senderConn, publisherSeq] = nums as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { phase, event, scheduledUs, senderConn, publisherSeq };
}

/** Monotonic microseconds; CLOCK_MONOTONIC is shared by all processes on the machine. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
