import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestS3, bytesStream, fileStorageContract, startTestS3 } from '@chatter/testing';
import { DiskFileStorage } from './disk-file-storage';
import { S3FileStorage } from './s3-file-storage';

describe('DiskFileStorage', () => {
  let root = '';
  let disk: DiskFileStorage;
  beforeAll(async () => {
    root = join(await mkdtemp(join(tmpdir(), 'chatter-files-')), 'files');
    disk = new DiskFileStorage(root);
  });
  afterAll(async () => {
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  fileStorageContract('disk', () => disk);

  it('creates directories 0700 and files 0600, and leaves no temporary file', async () => {
    await disk.write('t1/a1/original', bytesStream(10), { maxBytes: 100 });
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 't1/a1'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 't1/a1/original'))).mode & 0o777).toBe(0o600);
    await expect(
      disk.write('t1/a1/too-big', bytesStream(101), { maxBytes: 100 }),
    ).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(await readdir(join(root, 't1/a1'))).toEqual(['original']);
  });
});

describe('S3FileStorage', () => {
  let s3: TestS3;
  let storage: S3FileStorage;
  beforeAll(async () => {
    s3 = await startTestS3();
    storage = new S3FileStorage(s3);
  });
  afterAll(async () => {
    storage?.close();
    await s3?.stop();
  });

  fileStorageContract('s3', () => storage);
});
