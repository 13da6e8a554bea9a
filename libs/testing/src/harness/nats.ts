import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probeNats } from './probes';
import { externalServiceUrl, requireBinary } from './service-availability';
import { LocalService, TestService, externalService } from './test-service';

/**
 * A NATS server with JetStream for tests: `NATS_URL` when set (shared, so callers must use unique
 * subjects), otherwise a private `nats-server` on a free port with a temporary storage directory
 * that survives restarts and is deleted by `stop()`.
 */
export async function startNats(): Promise<TestService> {
  const external = externalServiceUrl('nats');
  if (external) return externalService(external);
  const binary = requireBinary('nats');
  const storeDir = await mkdtemp(path.join(tmpdir(), 'chatter-nats-'));
  try {
    return await LocalService.start({
      binary,
      args: (port) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
      probe: probeNats,
      url: (port) => `nats://127.0.0.1:${port}`,
      cleanup: () => rm(storeDir, { recursive: true, force: true }),
    });
  } catch (err) {
    await rm(storeDir, { recursive: true, force: true });
    throw err;
  }
}
