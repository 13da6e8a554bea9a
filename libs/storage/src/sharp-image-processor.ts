import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { ImageFacts, ImageProcessor } from '@chatter/core';

/** Decoding refuses images above this many pixels (a decompression bomb guard). */
const MAX_PIXELS = 60_000_000;
const THUMBNAIL_EDGE = 480;
const PLACEHOLDER_EDGE = 16;

/**
 * Images through sharp (libvips): streaming decode and encode on libuv's worker threads, so the
 * event loop keeps serving. Output carries no metadata unless asked, so re-encoding drops EXIF.
 */
export class SharpImageProcessor extends ImageProcessor {
  sanitize(input: Readable, contentType: string): Readable {
    const animated = contentType === 'image/gif' || contentType === 'image/webp';
    let pipeline = sharp({ limitInputPixels: MAX_PIXELS, animated, failOn: 'error' }).rotate();
    switch (contentType) {
      case 'image/png':
        pipeline = pipeline.png();
        break;
      case 'image/gif':
        pipeline = pipeline.gif();
        break;
      case 'image/webp':
        pipeline = pipeline.webp({ quality: 90 });
        break;
      case 'image/avif':
        pipeline = pipeline.avif({ quality: 70 });
        break;
      default:
        pipeline = pipeline.jpeg({ quality: 90, mozjpeg: true });
    }
    input.once('error', (error) => pipeline.destroy(error));
    return input.pipe(pipeline);
  }

  async describe(input: Readable): Promise<ImageFacts> {
    const decoder = sharp({ limitInputPixels: MAX_PIXELS, failOn: 'error' });
    input.once('error', (error) => decoder.destroy(error));
    input.pipe(decoder);
    const { width, height } = await decoder.metadata();
    if (!width || !height) throw new Error('the image has no dimensions');
    const thumbnail = await decoder
      .clone()
      .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 70 })
      .toBuffer();
    const tiny = await decoder
      .clone()
      .resize(PLACEHOLDER_EDGE, PLACEHOLDER_EDGE, { fit: 'inside' })
      .webp({ quality: 30 })
      .toBuffer();
    return {
      width,
      height,
      thumbnail,
      placeholder: `data:image/webp;base64,${tiny.toString('base64')}`,
    };
  }
}
