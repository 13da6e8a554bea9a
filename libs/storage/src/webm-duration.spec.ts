import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebmCluster, ebmlElement, webmBytes, webmVoiceNote } from '@chatter/testing';
import { FileTypeSniffer } from './file-type-sniffer';
import { MusicMetadataProber } from './music-metadata-prober';
import { WebmDurationScanner, webmDurationMs } from './webm-duration';

/** Feeds the bytes in pieces cut at the given offsets. */
function scanInPieces(bytes: Buffer, cuts: number[]): number | null {
  const scanner = new WebmDurationScanner();
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    scanner.push(bytes.subarray(from, cut));
    from = cut;
  }
  scanner.push(bytes.subarray(from));
  return scanner.durationMs();
}

/** `frames` frames of `frameTicks` each on track 1, a new cluster every `perCluster` frames. */
function evenFrames(frames: number, frameTicks: number, perCluster: number): WebmCluster[] {
  const clusters: WebmCluster[] = [];
  for (let i = 0; i < frames; i++) {
    const at = i * frameTicks;
    if (i % perCluster === 0) clusters.push({ timecode: at, blocks: [] });
    const cluster = clusters[clusters.length - 1]!;
    cluster.blocks.push({ track: 1, rel: at - cluster.timecode, payloadBytes: (i * 7) % 90 });
  }
  return clusters;
}

describe('WebM duration from block timestamps', () => {
  it('measures a MediaRecorder-style voice note (no Duration, unknown sizes)', async () => {
    expect(await webmDurationMs(Readable.from([webmVoiceNote(7.3)]))).toBe(7300);
    expect(await webmDurationMs(Readable.from([webmVoiceNote(0.04)]))).toBe(40);
  });

  it('the bytes are sniffed as WebM, which finalize requires of an audio/webm upload', async () => {
    const sniffed = await new FileTypeSniffer().sniff(webmVoiceNote(1));
    expect(sniffed?.mime).toBe('video/webm');
  });

  it('prefers a Duration header, in the file’s timecode scale', async () => {
    const clusters = evenFrames(10, 20, 5);
    expect(await webmDurationMs([webmBytes({ clusters, duration: 4321.4 })])).toBe(4321);
    // 100 µs ticks: 4321.4 ticks are 432 ms.
    expect(
      await webmDurationMs([webmBytes({ clusters, duration: 4321.4, timecodeScale: 100_000 })]),
    ).toBe(432);
  });

  it('any frame length, cluster size, timecode scale, size coding and chunking', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(1_000_000, 100_000, 1000, 2_000_000),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (frames, frameTicks, perCluster, scale, unknownSizes, lastDuration, cuts) => {
          const clusters = evenFrames(frames, frameTicks, perCluster);
          if (lastDuration !== undefined) {
            const last = clusters[clusters.length - 1]!;
            last.blocks[last.blocks.length - 1]!.duration = lastDuration;
          }
          const bytes = webmBytes({ clusters, timecodeScale: scale, unknownSizes });
          const ticks = (frames - 1) * frameTicks + (lastDuration ?? frameTicks);
          const ms = Math.round((ticks * scale) / 1_000_000);
          expect(scanInPieces(bytes, cuts)).toBe(ms > 0 ? ms : null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes the longest track (video and audio interleaved)', async () => {
    const clusters: WebmCluster[] = [
      {
        timecode: 0,
        blocks: [
          { track: 1, rel: 0 },
          { track: 2, rel: 0 },
          { track: 1, rel: 20 },
          { track: 2, rel: 33 },
          { track: 1, rel: 40 },
          { track: 2, rel: 66 },
        ],
      },
      {
        timecode: 80,
        blocks: [
          { track: 2, rel: 19 },
          { track: 2, rel: 52 },
        ],
      },
    ];
    // Track 2: last block at 132, frames of 33 ms.
    expect(await webmDurationMs([webmBytes({ clusters })])).toBe(165);
  });

  it('a single block, no blocks, or bytes that are not WebM: unknown, never a throw', async () => {
    expect(
      await webmDurationMs([
        webmBytes({ clusters: [{ timecode: 0, blocks: [{ track: 1, rel: 0 }] }] }),
      ]),
    ).toBeNull();
    expect(await webmDurationMs([webmBytes({ clusters: [] })])).toBeNull();
    expect(await webmDurationMs([Buffer.from('RIFF....WAVEfmt ')])).toBeNull();
    // An unknown size on an element that is not a container stops the scan.
    expect(
      await webmDurationMs([
        Buffer.concat([webmVoiceNote(1), ebmlElement(0x1254c367, Buffer.alloc(4), true)]),
      ]),
    ).toBe(1000);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (bytes, cuts) => {
          const got = scanInPieces(Buffer.from(bytes), cuts);
          expect(got === null || (Number.isSafeInteger(got) && got > 0)).toBe(true);
        },
      ),
    );
  });

  it('a cut-off file gives at most the length of the whole, never a throw', () => {
    const whole = webmVoiceNote(3);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: whole.length }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (end, cuts) => {
          const got = scanInPieces(whole.subarray(0, end), cuts);
          expect(got === null || got <= 3000).toBe(true);
        },
      ),
    );
  });

  it('is what the media prober answers for WebM audio and video; other types keep music-metadata', async () => {
    const prober = new MusicMetadataProber();
    expect(await prober.durationMs(Readable.from([webmVoiceNote(2.5)]), 'audio/webm')).toBe(2500);
    expect(await prober.durationMs(Readable.from([webmVoiceNote(2.5)]), 'video/webm')).toBe(2500);
    expect(
      await prober.durationMs(Readable.from([Buffer.from('not audio')]), 'audio/webm'),
    ).toBeNull();
    expect(await prober.durationMs(Readable.from([webmVoiceNote(2.5)]), 'audio/mpeg')).toBeNull();
  });
});
