import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  FileStorage,
  PresignedUpload,
  StoredObject,
  invalid,
  isSafeStorageKey,
} from '@chatter/core';
import { SizeCap } from './size-cap';

/**
 * Files on local disk under one root directory (embedded mode: `DATA_DIR/files`). Directories
 * are created 0700 and files 0600; a write goes to a temporary file renamed into place when
 * complete, so readers never see half a file.
 */
export class DiskFileStorage extends FileStorage {
  readonly kind = 'disk';
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  async write(key: string, body: Readable, options: { maxBytes: number }): Promise<StoredObject> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.part`;
    const cap = new SizeCap(options.maxBytes);
    try {
      await pipeline(body, cap, createWriteStream(temporary, { flags: 'wx', mode: 0o600 }));
      await rename(temporary, path);
      return { size: cap.bytes };
    } catch (error) {
      body.destroy();
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable | null> {
    const path = this.pathOf(key);
    if (!(await this.stat(key))) return null;
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async presignUpload(): Promise<PresignedUpload | null> {
    return null;
  }

  async isReady(): Promise<boolean> {
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await access(this.root, constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** The file of a key, refused unless it is a safe key that stays under the root. */
  private pathOf(key: string): string {
    if (!isSafeStorageKey(key)) throw invalid('key', 'not a storage key');
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw invalid('key', 'not a storage key');
    return path;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
