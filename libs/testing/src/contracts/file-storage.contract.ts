import { Readable } from 'node:stream';
import { FileStorage } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { expectDomainError } from './store-under-test';

/** Reads a stream to one buffer (test sizes only). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A stream of `size` pseudo-random bytes, produced in chunks as it is read. */
export function bytesStream(size: number, seed = 7): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(64 * 1024, size - sent);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i++) chunk[i] = (sent + i) * seed + 13;
      sent += n;
      this.push(chunk);
    },
  });
}

const key = (name: string) =>
  `contract/${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}/${name}`;

/**
 * The FileStorage contract. `storage()` returns the adapter under test; `postPresigned` (for
 * adapters that presign uploads) performs a browser-style form POST to a presigned target.
 */
export function fileStorageContract(name: string, storage: () => FileStorage): void {
  describe(`${name} file storage contract`, () => {
    it('writes a stream, reports its size, reads it back whole and by range, and deletes it', async () => {
      const s = storage();
      const k = key('photo.jpg');
      const written = await s.write(k, bytesStream(300_000), { maxBytes: 1_000_000 });
      expect(written.size).toBe(300_000);
      expect(await s.stat(k)).toEqual({ size: 300_000 });
      const whole = await readAll((await s.read(k))!);
      expect(whole.equals(await readAll(bytesStream(300_000)))).toBe(true);
      const part = await readAll((await s.read(k, { start: 10, end: 19 }))!);
      expect(part.equals(whole.subarray(10, 20))).toBe(true);
      await s.delete(k);
      expect(await s.stat(k)).toBeNull();
      expect(await s.read(k)).toBeNull();
      await s.delete(k); // idempotent
    });

    it('refuses a body over maxBytes with FILE_TOO_LARGE and leaves nothing behind', async () => {
      const s = storage();
      const k = key('big.bin');
      await expectDomainError(
        s.write(k, bytesStream(200_001), { maxBytes: 200_000 }),
        'FILE_TOO_LARGE',
      );
      expect(await s.stat(k)).toBeNull();
    });

    it('accepts a body of exactly maxBytes', async () => {
      const s = storage();
      const k = key('exact.bin');
      expect((await s.write(k, bytesStream(65_536), { maxBytes: 65_536 })).size).toBe(65_536);
      await s.delete(k);
    });

    it('replaces an object only when the new write completes', async () => {
      const s = storage();
      const k = key('replace.bin');
      await s.write(k, bytesStream(1000, 3), { maxBytes: 10_000 });
      await expectDomainError(
        s.write(k, bytesStream(20_000, 5), { maxBytes: 10_000 }),
        'FILE_TOO_LARGE',
      );
      // Either the old object survives intact or (S3 semantics) it is gone; never a partial one.
      const after = await s.stat(k);
      if (after) expect(after.size).toBe(1000);
      await s.write(k, bytesStream(2000, 5), { maxBytes: 10_000 });
      expect(await s.stat(k)).toEqual({ size: 2000 });
      await s.delete(k);
    });

    it.each([
      '../escape',
      'a/../../etc/passwd',
      '/absolute',
      'a//b',
      'a/./b',
      'a\\b',
      'nul\u0000byte',
      'line\nbreak',
      '',
      'x'.repeat(513),
      'spaces in name',
      'caf\u00e9',
    ])('refuses the unsafe key %j before touching the storage', async (bad) => {
      const s = storage();
      await expectDomainError(s.write(bad, bytesStream(1), { maxBytes: 10 }), 'VALIDATION_FAILED');
      await expectDomainError(s.stat(bad), 'VALIDATION_FAILED');
      await expectDomainError(s.read(bad), 'VALIDATION_FAILED');
      await expectDomainError(s.delete(bad), 'VALIDATION_FAILED');
    });

    it('presigned uploads, when offered, pin the key and cap the size in their policy', async () => {
      const s = storage();
      const k = key('direct.png');
      const target = await s.presignUpload(k, { maxBytes: 5000, expiresInSeconds: 300 });
      if (!target) return; // this adapter takes uploads only through the API
      expect(target.method).toBe('POST');
      expect(target.fields['key']).toBe(k);
      const policy = JSON.parse(Buffer.from(target.fields['Policy']!, 'base64').toString('utf8'));
      expect(policy.conditions).toContainEqual(['content-length-range', 1, 5000]);
      expect(target.expiresAt.getTime()).toBeGreaterThan(Date.now());
      const form = new FormData();
      for (const [field, value] of Object.entries(target.fields)) form.append(field, value);
      form.append('file', new Blob([new Uint8Array(1234).fill(9)]), 'direct.png');
      const res = await fetch(target.url, { method: 'POST', body: form });
      expect(res.status).toBeLessThan(300);
      expect(await s.stat(k)).toEqual({ size: 1234 });
      await s.delete(k);
    });

    it('is ready', async () => {
      expect(await storage().isReady()).toBe(true);
    });
  });
}
