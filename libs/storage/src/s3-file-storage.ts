import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { Readable } from 'node:stream';
import {
  FileStorage,
  PresignedUpload,
  StoredObject,
  invalid,
  isSafeStorageKey,
} from '@chatter/core';
import { SizeCap } from './size-cap';

export interface S3FileStorageOptions {
  bucket: string;
  region: string;
  /** Unset for AWS; set for other S3-compatible servers (path-style addressing is then used). */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * Files in an S3-compatible bucket. Clients upload straight to the bucket with a presigned POST
 * whose policy pins the key and the size range; server-side writes (thumbnails) stream through
 * a multipart upload, so no file is ever held in memory whole.
 */
export class S3FileStorage extends FileStorage {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3FileStorageOptions) {
    super();
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.endpoint !== undefined,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
    });
  }

  async write(key: string, body: Readable, options: { maxBytes: number }): Promise<StoredObject> {
    this.check(key);
    const cap = new SizeCap(options.maxBytes);
    const capped = body.pipe(cap);
    body.once('error', (error) => cap.destroy(error));
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: capped },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      return { size: cap.bytes };
    } catch (error) {
      body.destroy();
      await upload.abort().catch(() => undefined);
      // A single-part upload may have completed before the cap fired on a later chunk.
      if (cap.bytes > options.maxBytes) await this.delete(key).catch(() => undefined);
      throw cap.errored ?? error;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    this.check(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable | null> {
    this.check(key);
    try {
      const got = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return got.Body instanceof Readable ? got.Body : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    this.check(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignUpload(
    key: string,
    options: { maxBytes: number; expiresInSeconds: number },
  ): Promise<PresignedUpload> {
    this.check(key);
    const post = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [
        ['content-length-range', 1, options.maxBytes],
        ['eq', '$key', key],
      ],
      Expires: options.expiresInSeconds,
    });
    return {
      method: 'POST',
      url: post.url,
      fields: post.fields,
      expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000),
    };
  }

  async isReady(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.client.destroy();
  }

  private check(key: string): void {
    if (!isSafeStorageKey(key)) throw invalid('key', 'not a storage key');
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
