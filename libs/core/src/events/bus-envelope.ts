/**
 * The publish time a bus message carries, so the instance that receives it can observe the hop
 * (publish on one instance → broker → delivery on another) as a latency histogram.
 *
 * The hop is `busClockMs()` on the receiver minus the publisher's `busClockMs()` at publish: on
 * one machine both read the same clock; across machines the figure includes the clock skew
 * between them (NTP keeps it in the low milliseconds), so a negative hop counts as zero.
 *
 * Carried so that an instance of the previous version and one of this version can share a bus
 * during a rolling deploy:
 * - NATS: a message header ({@link BUS_SENT_AT_HEADER}); the payload is untouched and older
 *   instances ignore headers.
 * - Redis pub/sub has no headers: a payload that is a JSON object gets a leading member
 *   (`{"@busSentAt":<ms>,…}`, see {@link stampPayload}) that this version strips before the
 *   handlers see the payload, and that an older instance's JSON decoders ignore (an unknown
 *   field). Any other payload travels as it is, unmeasured.
 */

/** NATS header with the publisher's {@link busClockMs} (milliseconds since the epoch, µs precision). */
export const BUS_SENT_AT_HEADER = 'Chatter-Sent-At';

/** Receives each measured hop, in seconds (once per bus message received, not per handler). */
export type BusHopObserver = (seconds: number) => void;

const STAMP_PREFIX = '{"@busSentAt":';

let anchorMs = performance.timeOrigin;
let checkedAtMs = -Infinity;

/**
 * Wall-clock time in milliseconds since the epoch, with the monotonic clock's sub-millisecond
 * resolution (`Date.now()` has whole milliseconds, too coarse for a hop well under one). Checked
 * against `Date.now()` at most once a second and re-anchored when it drifted by more than about a
 * millisecond (NTP slews the wall clock, not the monotonic one), so two processes on one machine
 * agree within about a millisecond however long they run, and to microseconds in between steps.
 */
export function busClockMs(): number {
  const mono = performance.now();
  if (mono - checkedAtMs >= 1000) {
    checkedAtMs = mono;
    const wall = Date.now(); // whole milliseconds: the true time is in [wall, wall + 1)
    const estimate = anchorMs + mono;
    if (estimate < wall - 0.5 || estimate > wall + 1.5) anchorMs = wall + 0.5 - mono;
  }
  return anchorMs + mono;
}

/** Hop in seconds from a publish time in ms (from the header or the stamp); undefined if unusable. */
export function hopSeconds(sentAtMs: number, nowMs = busClockMs()): number | undefined {
  if (!Number.isFinite(sentAtMs) || sentAtMs <= 0) return undefined;
  return Math.max(0, nowMs - sentAtMs) / 1000;
}

/** The header value for a publish time. */
export const formatSentAt = (sentAtMs: number): string => sentAtMs.toFixed(3);

/** A header value back to ms; NaN when absent or malformed. */
export const parseSentAt = (value: string | undefined | null): number =>
  value ? Number(value) : NaN;

/**
 * For buses without headers: adds the publish time as the first member of a payload that is a
 * JSON object (`{"a":1}` → `{"@busSentAt":1765000000000.123,"a":1}`). Other payloads (not an
 * object, or an empty one) are returned unchanged.
 */
export function stampPayload(payload: string, sentAtMs: number): string {
  if (payload.charCodeAt(0) !== 0x7b /* { */ || payload.charCodeAt(1) !== 0x22 /* " */)
    return payload;
  return `${STAMP_PREFIX}${formatSentAt(sentAtMs)},${payload.slice(1)}`;
}

/**
 * Takes a stamp added by {@link stampPayload} off: the payload exactly as published, and its
 * publish time (NaN when the payload carries none, e.g. from an older instance).
 */
export function unstampPayload(raw: string): { payload: string; sentAtMs: number } {
  if (!raw.startsWith(STAMP_PREFIX)) return { payload: raw, sentAtMs: NaN };
  const comma = raw.indexOf(',', STAMP_PREFIX.length);
  const sentAtMs = comma > 0 ? Number(raw.slice(STAMP_PREFIX.length, comma)) : NaN;
  // Not our stamp after all (a payload that happens to start so): hand it over untouched.
  if (!Number.isFinite(sentAtMs)) return { payload: raw, sentAtMs: NaN };
  return { payload: `{${raw.slice(comma + 1)}`, sentAtMs };
}
