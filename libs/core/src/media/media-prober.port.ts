import type { Readable } from 'node:stream';

/**
 * Reads the length of an audio or video file from the start of its bytes (container headers),
 * reading at most a bounded prefix: null when the headers do not say (a MediaRecorder WebM, for
 * one, carries no length) or the bytes are not understood. Never throws on bad input.
 */
export abstract class MediaProber {
  abstract durationMs(input: Readable, contentType: string): Promise<number | null>;
}
