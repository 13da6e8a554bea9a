import { connect } from 'node:net';

/**
 * Opens a TCP connection, optionally writes `send`, and passes what arrives to `accept` until it
 * answers true or false (undefined = wait for more). Any error or timeout counts as "not yet".
 */
export function probeTcp(
  port: number,
  options: {
    send?: string;
    accept?: (received: string) => boolean | undefined;
    timeoutMs?: number;
  } = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 1000);
    socket.once('error', () => finish(false));
    socket.once('connect', () => {
      if (!options.accept) return finish(true);
      if (options.send) socket.write(options.send);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      const verdict = options.accept?.(received);
      if (verdict !== undefined) finish(verdict);
    });
  });
}

/** Redis answers PING with +PONG once it accepts commands (and -LOADING while it cannot). */
export const probeRedis = (port: number): Promise<boolean> =>
  probeTcp(port, {
    send: 'PING\r\n',
    accept: (r) => (r.includes('\r\n') ? r.startsWith('+PONG') : undefined),
  });

/** A NATS server greets every client with an INFO line. */
export const probeNats = (port: number): Promise<boolean> =>
  probeTcp(port, { accept: (r) => (r.includes('\r\n') ? r.startsWith('INFO ') : undefined) });
