import { probeRedis } from './probes';
import { externalServiceUrl, requireBinary } from './service-availability';
import { LocalService, TestService, externalService } from './test-service';

/**
 * A Redis for tests: `REDIS_URL` when set (shared, so callers must use unique keys), otherwise a
 * private `redis-server` without persistence on a free port.
 */
export async function startRedis(): Promise<TestService> {
  const external = externalServiceUrl('redis');
  if (external) return externalService(external);
  const binary = requireBinary('redis');
  return LocalService.start({
    binary,
    args: (port) => [
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--bind',
      '127.0.0.1',
    ],
    probe: probeRedis,
    url: (port) => `redis://127.0.0.1:${port}`,
  });
}
