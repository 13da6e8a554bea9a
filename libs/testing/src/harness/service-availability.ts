import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

/** The external services the harness can provide. */
export type ServiceName = 'redis' | 'nats' | 'mongo';

/**
 * Thrown (outside CI only) when a test service can neither be reached through its environment
 * variable nor started from a local binary. Under `CI=true` a plain `Error` is thrown instead, so
 * nothing can mistake a missing service for a skip.
 */
export class ServiceUnavailable extends Error {
  constructor(
    readonly service: ServiceName,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceUnavailable';
  }
}

export const isCi = (): boolean => process.env['CI'] === 'true' || process.env['CI'] === '1';

const INSTALL_HINT: Record<ServiceName, string> = {
  redis: 'redis-server (apt-get install redis-server) or set REDIS_URL',
  nats: 'nats-server (apt-get install nats-server) or set NATS_URL',
  mongo:
    'the jongodb test engine (npm package @jongodb/memory-server-bin-linux-x64-gnu) or set MONGODB_URI',
};

const ENV_VAR: Record<ServiceName, string> = {
  redis: 'REDIS_URL',
  nats: 'NATS_URL',
  mongo: 'MONGODB_URI',
};

/** The environment variable that points the harness at an existing service, when set. */
export function externalServiceUrl(service: ServiceName): string | undefined {
  const value = process.env[ENV_VAR[service]];
  return value && value.trim() !== '' ? value.trim() : undefined;
}

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds an executable on PATH. Debian installs nats-server in /usr/sbin, which is often missing
 * from a non-root PATH, so the sbin directories are searched last.
 */
export function findExecutable(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of [...dirs, '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const JONGODB_RELATIVE = path.join(
  'node_modules',
  '@jongodb',
  'memory-server-bin-linux-x64-gnu',
  'bin',
  'jongodb',
);

/** The jongodb binary: `JONGODB_BIN`, else the npm package found from the working directory upwards. */
export function findJongodb(): string | undefined {
  const fromEnv = process.env['JONGODB_BIN'];
  if (fromEnv && isExecutable(fromEnv)) return fromEnv;
  const starts = [process.cwd()];
  if (typeof __dirname === 'string') starts.push(__dirname);
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      const candidate = path.join(dir, JONGODB_RELATIVE);
      if (existsSync(candidate) && isExecutable(candidate)) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

const binaryFor = (service: ServiceName): string | undefined => {
  switch (service) {
    case 'redis':
      return findExecutable('redis-server');
    case 'nats':
      return findExecutable('nats-server');
    case 'mongo':
      return findJongodb();
  }
};

/**
 * The error for a service that cannot be provided: a plain, failing `Error` under CI, a
 * `ServiceUnavailable` (which suites may turn into a loud skip) elsewhere.
 */
export function unavailable(service: ServiceName): Error {
  const message = `test service "${service}" is unavailable: install ${INSTALL_HINT[service]}`;
  return isCi() ? new Error(`CI=true and ${message}`) : new ServiceUnavailable(service, message);
}

/** Resolves the binary for a service or throws {@link unavailable}. */
export function requireBinary(service: ServiceName): string {
  const binary = binaryFor(service);
  if (!binary) throw unavailable(service);
  return binary;
}

const warnSkipped = (suite: string, service: ServiceName): void => {
  const line = `SKIPPED: ${suite} needs ${INSTALL_HINT[service]}`;
  const bar = '!'.repeat(Math.min(line.length, 100));
  console.warn(`\n${bar}\n${line}\n${bar}\n`);
};

/**
 * Synchronous availability check for `describe.skipIf`: true when the service's environment
 * variable is set or its binary is present. Otherwise it fails under `CI=true` (throws) and, outside
 * CI, prints a loud `SKIPPED: …` warning and returns false.
 *
 * ```ts
 * const hasRedis = requireService('redis', 'RedisEventBus');
 * describe.skipIf(!hasRedis)('RedisEventBus', () => {
 *   let redis: TestService;
 *   beforeAll(async () => { redis = await startRedis(); });
 *   afterAll(() => redis?.stop());
 *   // …
 * });
 * ```
 */
export function requireService(service: ServiceName, suite: string): boolean {
  if (externalServiceUrl(service) || binaryFor(service)) return true;
  if (isCi()) throw unavailable(service);
  warnSkipped(suite, service);
  return false;
}

/**
 * Starts a service, or returns null after a loud `SKIPPED: …` warning when it is unavailable
 * outside CI. Under `CI=true`, and for any other failure, it throws. For top-level await:
 *
 * ```ts
 * const nats = await serviceOrSkip('NatsEventBus', startNats);
 * describe.skipIf(!nats)('NatsEventBus', () => { afterAll(() => nats?.stop()); … });
 * ```
 */
export async function serviceOrSkip<T>(suite: string, start: () => Promise<T>): Promise<T | null> {
  try {
    return await start();
  } catch (err) {
    if (err instanceof ServiceUnavailable && !isCi()) {
      warnSkipped(suite, err.service);
      return null;
    }
    throw err;
  }
}
