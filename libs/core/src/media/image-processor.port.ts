import type { Readable } from 'node:stream';

export interface ImageFacts {
  width: number;
  height: number;
  /** A small WebP preview, at most a few tens of KiB. */
  thumbnail: Buffer;
  /** A tiny `data:image/webp;base64,…` preview (a few hundred bytes), shown while loading. */
  placeholder: string;
}

/**
 * Image work done off the event loop (a native worker pool). `sanitize` re-encodes an image in
 * its own format with its orientation applied and every metadata block (EXIF, GPS location, XMP,
 * comments) dropped; `describe` measures a sanitized image and renders its previews. Both fail
 * on bytes that do not decode as an image.
 */
export abstract class ImageProcessor {
  abstract sanitize(input: Readable, contentType: string): Readable;
  abstract describe(input: Readable): Promise<ImageFacts>;
}
