/*
 * WebM files for tests, shaped like a browser's MediaRecorder output: an EBML header (DocType
 * "webm"), a Segment and Clusters of unknown size, no Duration unless asked, SimpleBlocks with
 * timestamps relative to their cluster. The block payloads are filler, not decodable audio.
 */

export interface WebmBlock {
  track: number;
  /** Timestamp relative to the cluster (signed 16-bit), in ticks. */
  rel: number;
  /** Inside a BlockGroup with this BlockDuration (ticks) instead of a SimpleBlock. */
  duration?: number;
  payloadBytes?: number;
}

export interface WebmCluster {
  /** Cluster timestamp in ticks. */
  timecode: number;
  blocks: WebmBlock[];
}

export interface WebmSpec {
  /** Nanoseconds per tick (TimecodeScale); MediaRecorder writes 1 ms (1000000). */
  timecodeScale?: number;
  /** Segment Duration in ticks (a float); MediaRecorder writes none. */
  duration?: number;
  /** Unknown-size Segment and Clusters, as MediaRecorder writes them (default true). */
  unknownSizes?: boolean;
  clusters: WebmCluster[];
}

function vintSize(n: number): Buffer {
  for (let length = 1; length <= 8; length++) {
    // All value bits set means "unknown": a known size stays below it.
    if (n < 2 ** (7 * length) - 1) {
      const out = Buffer.alloc(length);
      let v = n;
      for (let i = length - 1; i >= 0; i--) {
        out[i] = v % 256;
        v = Math.floor(v / 256);
      }
      out[0]! |= 0x80 >> (length - 1);
      return out;
    }
  }
  throw new Error(`size ${n} does not fit an EBML vint`);
}

function idBytes(id: number): Buffer {
  const hex = id.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

const UNKNOWN = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export function ebmlElement(id: number, payload: Buffer, unknownSize = false): Buffer {
  return Buffer.concat([idBytes(id), unknownSize ? UNKNOWN : vintSize(payload.length), payload]);
}

function uint(n: number): Buffer {
  if (n === 0) return Buffer.from([0]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

function float64(n: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeDoubleBE(n);
  return out;
}

function block(b: WebmBlock, seed: number): Buffer {
  const head = Buffer.concat([vintSize(b.track), Buffer.alloc(3)]);
  head.writeInt16BE(b.rel, head.length - 3);
  head[head.length - 1] = 0x80; // keyframe
  const payload = Buffer.alloc(b.payloadBytes ?? 40, (seed * 31 + 7) % 256);
  const body = Buffer.concat([head, payload]);
  if (b.duration === undefined) return ebmlElement(0xa3, body);
  return ebmlElement(
    0xa0,
    Buffer.concat([ebmlElement(0xa1, body), ebmlElement(0x9b, uint(b.duration))]),
  );
}

/** The bytes of a WebM audio file as described. */
export function webmBytes(spec: WebmSpec): Buffer {
  const unknown = spec.unknownSizes ?? true;
  const header = ebmlElement(
    0x1a45dfa3,
    Buffer.concat([
      ebmlElement(0x4286, uint(1)), // EBMLVersion
      ebmlElement(0x42f7, uint(1)), // EBMLReadVersion
      ebmlElement(0x42f2, uint(4)), // EBMLMaxIDLength
      ebmlElement(0x42f3, uint(8)), // EBMLMaxSizeLength
      ebmlElement(0x4282, Buffer.from('webm')), // DocType
      ebmlElement(0x4287, uint(4)), // DocTypeVersion
      ebmlElement(0x4285, uint(2)), // DocTypeReadVersion
    ]),
  );
  const info = ebmlElement(
    0x1549a966,
    Buffer.concat([
      ebmlElement(0x2ad7b1, uint(spec.timecodeScale ?? 1_000_000)),
      ebmlElement(0x4d80, Buffer.from('Chatter test')), // MuxingApp
      ebmlElement(0x5741, Buffer.from('Chatter test')), // WritingApp
      ...(spec.duration === undefined ? [] : [ebmlElement(0x4489, float64(spec.duration))]),
    ]),
  );
  const tracks = ebmlElement(
    0x1654ae6b,
    ebmlElement(
      0xae,
      Buffer.concat([
        ebmlElement(0xd7, uint(1)), // TrackNumber
        ebmlElement(0x73c5, uint(1)), // TrackUID
        ebmlElement(0x83, uint(2)), // TrackType: audio
        ebmlElement(0x86, Buffer.from('A_OPUS')),
        ebmlElement(
          0xe1,
          Buffer.concat([ebmlElement(0xb5, float64(48_000)), ebmlElement(0x9f, uint(1))]),
        ),
      ]),
    ),
  );
  let seed = 0;
  const clusters = spec.clusters.map((c) =>
    ebmlElement(
      0x1f43b675,
      Buffer.concat([
        ebmlElement(0xe7, uint(c.timecode)),
        ...c.blocks.map((b) => block(b, seed++)),
      ]),
      unknown,
    ),
  );
  const segment = ebmlElement(0x18538067, Buffer.concat([info, tracks, ...clusters]), unknown);
  return Buffer.concat([header, segment]);
}

/** A voice note as MediaRecorder writes it: `seconds` of 20 ms Opus frames, clusters of ~5 s. */
export function webmVoiceNote(seconds: number): Buffer {
  const frames = Math.round((seconds * 1000) / 20);
  const clusters: WebmCluster[] = [];
  for (let i = 0; i < frames; i++) {
    const at = i * 20;
    if (i % 250 === 0) clusters.push({ timecode: at, blocks: [] });
    const cluster = clusters[clusters.length - 1]!;
    cluster.blocks.push({ track: 1, rel: at - cluster.timecode });
  }
  return webmBytes({ clusters });
}
