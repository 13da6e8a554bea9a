import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

type S3rverClass = new (options: Record<string, unknown>) => {
  run(): Promise<unknown>;
  close(): Promise<void>;
};

/** An S3-compatible server for tests: `s3rver` on a free port, or the one named by S3_ENDPOINT. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  external: boolean;
  stop(): Promise<void>;
}

/**
 * Starts `s3rver` in this process with one bucket (path-style addressing), or uses S3_ENDPOINT
 * with S3_BUCKET, S3_REGION, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY when S3_ENDPOINT is set.
 */
export async function startTestS3(bucket = 'chatter-test'): Promise<TestS3> {
  const external = process.env['S3_ENDPOINT'];
  if (external) {
    return {
      endpoint: external,
      bucket: process.env['S3_BUCKET'] ?? bucket,
      region: process.env['S3_REGION'] ?? 'us-east-1',
      accessKeyId: process.env['S3_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: process.env['S3_SECRET_ACCESS_KEY'] ?? '',
      external: true,
      stop: async () => undefined,
    };
  }
  // s3rver is a test-only dependency, loaded only when a private server is needed.
  const moduleName = 's3rver';
  const loaded = (await import(moduleName)) as unknown as { default?: S3rverClass } & S3rverClass;
  const S3rver = loaded.default ?? loaded;
  const directory = await mkdtemp(join(tmpdir(), 'chatter-s3-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    try {
      await server.run();
    } catch (error) {
      lastError = error;
      continue;
    }
    return {
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      external: false,
      stop: async () => {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  }
  await rm(directory, { recursive: true, force: true });
  throw lastError;
}
