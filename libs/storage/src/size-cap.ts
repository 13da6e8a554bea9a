import { Transform, TransformCallback } from 'node:stream';
import { DomainError } from '@chatter/core';

/** Passes bytes through and fails with FILE_TOO_LARGE as soon as more than `maxBytes` went by. */
export class SizeCap extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  get bytes(): number {
    return this.seen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      done(tooLarge(this.maxBytes));
      return;
    }
    done(null, chunk);
  }
}

export const tooLarge = (maxBytes: number): DomainError =>
  new DomainError('FILE_TOO_LARGE', `the file is larger than ${maxBytes} bytes`, { maxBytes });
