import { Readable } from 'node:stream';
import { parseStream } from 'music-metadata';
import { MediaProber } from '@chatter/core';
import { webmDurationMs } from './webm-duration';

/** Headers are read from at most this many leading bytes. */
const MAX_PROBE_BYTES = 2 * 1024 * 1024;

/** WebM and Matroska: a browser's recording has no Duration header, only block timestamps. */
const MATROSKA = /^(?:audio|video)\/(?:webm|x-matroska)$/;

/**
 * Audio and video length with `music-metadata`, from container headers only (no decoding, no
 * scan to the end: `duration: false`), over a stream cut at {@link MAX_PROBE_BYTES}. WebM and
 * Matroska are read by {@link webmDurationMs} instead: the Duration header when there is one,
 * else the timestamp of the last block (headers only, streamed to the end in constant memory).
 */
export class MusicMetadataProber extends MediaProber {
  async durationMs(input: Readable, contentType: string): Promise<number | null> {
    if (MATROSKA.test(contentType)) {
      try {
        return await webmDurationMs(input);
      } catch {
        return null;
      } finally {
        input.destroy();
      }
    }
    // A byte stream (not object mode), as the parser reads it.
    const bounded = Readable.from(take(input, MAX_PROBE_BYTES), { objectMode: false });
    try {
      const { format } = await parseStream(
        bounded,
        { mimeType: contentType },
        { duration: false, skipCovers: true, skipPostHeaders: true },
      );
      const seconds = format.duration;
      return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
        ? Math.round(seconds * 1000)
        : null;
    } catch {
      return null;
    } finally {
      input.destroy();
      bounded.destroy();
    }
  }
}

async function* take(input: Readable, limit: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of input) {
    const buffer = Buffer.from(chunk as Buffer);
    if (seen + buffer.length >= limit) {
      yield buffer.subarray(0, limit - seen);
      return;
    }
    seen += buffer.length;
    yield buffer;
  }
}
