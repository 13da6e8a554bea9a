import { randomBytes } from 'node:crypto';
import { probeTcp } from './probes';
import { externalServiceUrl, requireBinary } from './service-availability';
import { LocalService } from './test-service';

/** A MongoDB database for one test suite. */
export interface TestMongo {
  /** Connection string including a database name unique to this call. */
  readonly uri: string;
  readonly dbName: string;
  /** True when it is the real MongoDB from `MONGODB_URI`, false for the jongodb test engine. */
  readonly real: boolean;
  /** Stops the private engine; on a real server it leaves the database for the caller to drop. */
  stop(): Promise<void>;
}

/**
 * Whether `MONGODB_URI` points at a real MongoDB. Tests that need behaviour the jongodb engine lacks
 * (`create`, `dropIndexes`, …) should run only when this is true, and say so in their name.
 */
export const isRealMongo = (): boolean => externalServiceUrl('mongo') !== undefined;

const uniqueDbName = (): string => `chatter_${randomBytes(6).toString('hex')}`;

/** Puts `dbName` in the path of a MongoDB connection string, keeping hosts and options. */
export function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`MONGODB_URI is not a mongodb:// connection string: ${uri}`);
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}

/**
 * A database for tests: on `MONGODB_URI` when set, otherwise on a private jongodb engine
 * (MongoDB wire protocol; run Mongoose with `autoCreate: false` against it).
 */
export async function startMongo(): Promise<TestMongo> {
  const dbName = uniqueDbName();
  const external = externalServiceUrl('mongo');
  if (external) {
    return { uri: withDatabase(external, dbName), dbName, real: true, stop: async () => undefined };
  }
  const binary = requireBinary('mongo');
  const service = await LocalService.start({
    binary,
    args: (port) => ['--host=127.0.0.1', `--port=${port}`],
    probe: (port) => probeTcp(port),
    url: (port) => `mongodb://127.0.0.1:${port}/${dbName}`,
  });
  return { uri: service.url, dbName, real: false, stop: () => service.stop() };
}
