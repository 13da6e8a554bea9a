import type { Readable } from 'node:stream';

/**
 * Where an upload goes when the storage accepts it directly from the client: a presigned
 * form POST (`fields` first, then the file as the field `file`) whose size the storage itself
 * enforces.
 */
export interface PresignedUpload {
  method: 'POST';
  url: string;
  fields: Record<string, string>;
  expiresAt: Date;
}

export interface StoredObject {
  /** Size in bytes as stored. */
  size: number;
}

/**
 * Object storage for attachment files and their derivatives (thumbnails). Keys are chosen by
 * Chatter, never by users: `a-z A-Z 0-9 . _ -` segments separated by `/`, no `.` or `..`
 * segment, at most 512 characters; anything else is refused before touching the storage.
 *
 * Contract (one suite in `@chatter/testing`, run against every adapter):
 * - `write` streams the body (never buffering it whole) and fails with `FILE_TOO_LARGE` once more
 *   than `maxBytes` arrived, leaving nothing behind; an existing object of that key is replaced
 *   only when the write completes.
 * - `stat` returns the size, or null when absent; `read` streams the bytes (optionally a byte
 *   range, inclusive end) or returns null when absent; `delete` is idempotent.
 * - `presignUpload` returns a target the client posts to directly, with content-length enforced
 *   by the storage between 1 and `maxBytes`, or null when the storage only accepts uploads
 *   through the API (local disk).
 */
export abstract class FileStorage {
  /** A short name for logs and readiness (`disk`, `s3`). */
  abstract readonly kind: string;

  abstract write(key: string, body: Readable, options: { maxBytes: number }): Promise<StoredObject>;

  abstract stat(key: string): Promise<StoredObject | null>;

  abstract read(key: string, range?: { start: number; end: number }): Promise<Readable | null>;

  abstract delete(key: string): Promise<void>;

  abstract presignUpload(
    key: string,
    options: { maxBytes: number; expiresInSeconds: number },
  ): Promise<PresignedUpload | null>;

  /** Whether the storage answers (for /readyz). */
  abstract isReady(): Promise<boolean>;
}

const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Whether `key` is a storage key Chatter may use (see {@link FileStorage}). */
export function isSafeStorageKey(key: unknown): key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) return false;
  return key.split('/').every((s) => KEY_SEGMENT.test(s) && s !== '.' && s !== '..');
}
