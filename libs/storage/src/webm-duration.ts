// The length of a WebM/Matroska file from its block timestamps. A browser's MediaRecorder writes
// WebM without a Duration (it does not know it when the header goes out), with a Segment and
// Clusters of unknown size, so the length is only in the blocks: the start of the last block of
// each track plus its duration (BlockDuration, else the gap between that track's last two
// blocks). Only element headers and the first bytes of blocks are read; everything else is
// skipped as it streams by, so memory stays constant whatever the file's size.

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const CLUSTER = 0x1f43b675;
const BLOCK_GROUP = 0xa0;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER_TIMECODE = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK = 0xa1;
const BLOCK_DURATION = 0x9b;

/** Master elements entered (their children are read as they come, whatever their size). */
const ENTERED: ReadonlySet<number> = new Set([SEGMENT, INFO, CLUSTER, BLOCK_GROUP]);
/** Elements whose (at most 8-byte) value is read. */
const VALUES: ReadonlySet<number> = new Set([
  TIMECODE_SCALE,
  DURATION,
  CLUSTER_TIMECODE,
  BLOCK_DURATION,
]);

/** Bytes kept between chunks: an element header and a block's first bytes always fit. */
const MAX_CARRY = 64;

interface TrackTimes {
  /** Start of the track's latest block, in ticks. */
  last: number;
  /** Gap between its two latest blocks (ticks): a frame's length, for the last one. */
  gap: number;
  /** BlockDuration of the latest block, when its BlockGroup gave one. */
  explicit: number | null;
}

interface Header {
  id: number;
  /** null: unknown size (all value bits set). */
  size: number | null;
  length: number;
}

/** Reads an EBML variable-length integer: its byte length and value (marker kept for ids). */
function readVint(
  buf: Buffer,
  pos: number,
  maxLength: number,
  keepMarker: boolean,
): { length: number; value: number; allOnes: boolean } | 'more' | 'bad' {
  if (pos >= buf.length) return 'more';
  const first = buf[pos]!;
  if (first === 0) return 'bad';
  const length = Math.clz32(first) - 23;
  if (length > maxLength) return 'bad';
  if (pos + length > buf.length) return 'more';
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const b = buf[pos + i]!;
    value = value * 256 + b;
    allOnes &&= b === 0xff;
  }
  return { length, value, allOnes };
}

function readHeader(buf: Buffer, pos: number): Header | 'more' | 'bad' {
  const id = readVint(buf, pos, 4, true);
  if (typeof id === 'string') return id;
  const size = readVint(buf, pos + id.length, 8, false);
  if (typeof size === 'string') return size;
  if (!size.allOnes && !Number.isSafeInteger(size.value)) return 'bad';
  return {
    id: id.value,
    size: size.allOnes ? null : size.value,
    length: id.length + size.length,
  };
}

function readUint(buf: Buffer, pos: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + buf[pos + i]!;
  return value;
}

/**
 * Push the file's bytes in order with {@link push}, then ask {@link durationMs}. Never throws:
 * bytes that are not Matroska stop the scan, and what was read so far decides.
 */
export class WebmDurationScanner {
  private carry: Buffer = Buffer.alloc(0);
  private skip = 0;
  private started = false;
  private stopped = false;
  /** Nanoseconds per tick (TimecodeScale; 1 ms by default). */
  private scale = 1_000_000;
  /** Segment Duration in ticks, when the header has one. */
  private declared: number | null = null;
  private cluster = 0;
  private readonly tracks = new Map<number, TrackTimes>();
  private lastTrack: number | null = null;

  push(chunk: Buffer): void {
    if (this.stopped) return;
    let buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - pos);
        pos += n;
        this.skip -= n;
        if (this.skip > 0) break;
      }
      const step = this.step(buf, pos);
      if (step === 'more') break;
      if (step === 'stop') {
        this.stopped = true;
        break;
      }
      pos = step;
    }
    buf = buf.subarray(pos);
    if (buf.length > MAX_CARRY) this.stopped = true;
    this.carry = this.stopped ? Buffer.alloc(0) : Buffer.from(buf);
  }

  /** The length in milliseconds, or null when the bytes do not tell it. */
  durationMs(): number | null {
    let ticks = this.declared;
    if (ticks === null || !(ticks > 0)) {
      ticks = null;
      for (const t of this.tracks.values()) {
        const end = t.last + (t.explicit ?? t.gap);
        if (ticks === null || end > ticks) ticks = end;
      }
    }
    if (ticks === null) return null;
    const ms = Math.round((ticks * this.scale) / 1_000_000);
    return Number.isFinite(ms) && ms > 0 ? ms : null;
  }

  /** Reads one element header (and a value or a block's start): the next position. */
  private step(buf: Buffer, pos: number): number | 'more' | 'stop' {
    const header = readHeader(buf, pos);
    if (header === 'more') return 'more';
    if (header === 'bad') return 'stop';
    const { id, size, length } = header;
    if (!this.started) {
      if (id !== EBML_HEADER) return 'stop';
      this.started = true;
    }
    if (ENTERED.has(id)) {
      if (id === CLUSTER) this.cluster = 0;
      return pos + length;
    }
    // An unknown size is only understood on the elements entered above.
    if (size === null) return 'stop';
    if (VALUES.has(id)) {
      if (size > 8) {
        this.skip = size;
        return pos + length;
      }
      if (pos + length + size > buf.length) return 'more';
      this.value(id, buf, pos + length, size);
      return pos + length + size;
    }
    if (id === SIMPLE_BLOCK || id === BLOCK) {
      const track = readVint(buf, pos + length, 8, false);
      if (track === 'more') return size >= 1 ? 'more' : 'stop';
      if (track === 'bad' || track.length + 2 > size) return 'stop';
      const at = pos + length + track.length;
      if (at + 2 > buf.length) return 'more';
      this.block(track.value, this.cluster + buf.readInt16BE(at));
      this.skip = size;
      return pos + length;
    }
    this.skip = size;
    return pos + length;
  }

  private value(id: number, buf: Buffer, at: number, size: number): void {
    switch (id) {
      case TIMECODE_SCALE: {
        const scale = readUint(buf, at, size);
        if (scale > 0) this.scale = scale;
        return;
      }
      case DURATION:
        if (size === 4) this.declared = buf.readFloatBE(at);
        else if (size === 8) this.declared = buf.readDoubleBE(at);
        return;
      case CLUSTER_TIMECODE:
        this.cluster = readUint(buf, at, size);
        return;
      case BLOCK_DURATION: {
        const track = this.lastTrack === null ? undefined : this.tracks.get(this.lastTrack);
        if (track) track.explicit = readUint(buf, at, size);
        return;
      }
    }
  }

  private block(trackNumber: number, start: number): void {
    const track = this.tracks.get(trackNumber);
    if (!track) {
      this.tracks.set(trackNumber, { last: start, gap: 0, explicit: null });
    } else if (start >= track.last) {
      track.gap = start - track.last;
      track.last = start;
      track.explicit = null;
    } else {
      // Out of order (a reordered video frame): it neither ends the track nor takes a duration.
      this.lastTrack = null;
      return;
    }
    this.lastTrack = trackNumber;
  }
}

/** Reads a whole WebM/Matroska stream for its length (see {@link WebmDurationScanner}). */
export async function webmDurationMs(
  input: AsyncIterable<unknown> | Iterable<unknown>,
): Promise<number | null> {
  const scanner = new WebmDurationScanner();
  for await (const chunk of input) scanner.push(Buffer.from(chunk as Buffer));
  return scanner.durationMs();
}
