import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probeTcp } from './probes';
import { findExecutable } from './service-availability';
import { LocalService, TestService } from './test-service';

/**
 * A private coturn relay for tests, configured as the README tells operators to run it next to
 * Chatter: TURN REST authentication (`use-auth-secret` with `static-auth-secret`), on 127.0.0.1
 * only, UDP and TCP on a free port, no TLS. `url` is `turn:127.0.0.1:<port>`. Needs coturn's
 * `turnserver` (Debian: apt-get install coturn); without it this fails, it never skips.
 */
export async function startTurnServer(
  secret: string,
  realm = 'chatter.test',
): Promise<TestService> {
  const binary = findExecutable('turnserver');
  if (!binary) throw new Error("the TURN tests need coturn's turnserver: apt-get install coturn");
  const dir = await mkdtemp(path.join(tmpdir(), 'chatter-turn-'));
  try {
    return await LocalService.start({
      binary,
      args: (port) => {
        // Relay ports of their own above Linux's ephemeral range (32768–60999), where no
        // client socket lands by chance; derived from the listening port so two runs rarely meet.
        const minPort = 61_000 + (port % 45) * 100;
        return [
          '-n', // no configuration file: everything is on this command line
          '--listening-ip=127.0.0.1',
          '--relay-ip=127.0.0.1',
          `--listening-port=${port}`,
          `--min-port=${minPort}`,
          `--max-port=${minPort + 99}`,
          '--use-auth-secret',
          `--static-auth-secret=${secret}`,
          `--realm=${realm}`,
          '--no-tls',
          '--no-dtls',
          '--no-cli',
          '--no-software-attribute',
          `--pidfile=${path.join(dir, 'turnserver.pid')}`,
          `--db=${path.join(dir, 'turndb')}`,
          '--log-file=stdout',
          '--simple-log',
        ];
      },
      // coturn listens on TCP and UDP at once; TCP accepting means it is up.
      probe: (port) => probeTcp(port),
      url: (port) => `turn:127.0.0.1:${port}`,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
