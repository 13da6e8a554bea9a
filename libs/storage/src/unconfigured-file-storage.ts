import type { Readable } from 'node:stream';
import { DomainError, FileStorage, PresignedUpload, StoredObject } from '@chatter/core';

/**
 * The storage of a cluster without S3_BUCKET: instances share no disk, so every file operation
 * is refused with UNAVAILABLE rather than stored where other instances cannot read it.
 */
export class UnconfiguredFileStorage extends FileStorage {
  readonly kind = 'none';

  write(_key: string, body: Readable): Promise<StoredObject> {
    body.destroy();
    return Promise.reject(unavailable());
  }
  stat(): Promise<StoredObject | null> {
    return Promise.reject(unavailable());
  }
  read(): Promise<Readable | null> {
    return Promise.reject(unavailable());
  }
  delete(): Promise<void> {
    return Promise.reject(unavailable());
  }
  presignUpload(): Promise<PresignedUpload | null> {
    return Promise.reject(unavailable());
  }
  async isReady(): Promise<boolean> {
    return true;
  }
}

const unavailable = () =>
  new DomainError('UNAVAILABLE', 'file storage is not configured on this server (S3_BUCKET)');
