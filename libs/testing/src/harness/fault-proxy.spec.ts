import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy';

/** An echo server: answers every chunk with the same bytes. */
async function echoServer(): Promise<{
  port: number;
  sockets: Set<net.Socket>;
  close: () => Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Client {
  socket: net.Socket;
  received: () => string;
  events: string[];
}

async function connect(port: number): Promise<Client> {
  const socket = net.connect({ host: '127.0.0.1', port });
  let data = '';
  const events: string[] = [];
  socket.setEncoding('utf8'); // a chunk may end inside a character
  socket.on('data', (d: string) => (data += d));
  socket.on('end', () => events.push('end'));
  socket.on('close', () => events.push('close'));
  socket.on('error', (e) => events.push(`error ${(e as NodeJS.ErrnoException).code}`));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, received: () => data, events };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(predicate: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

describe('FaultProxy', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const setup = async () => {
    const echo = await echoServer();
    const proxy = await FaultProxy.start({ port: echo.port });
    cleanup.push(
      () => echo.close(),
      () => proxy.close(),
    );
    return { echo, proxy };
  };

  it('forwards both ways unchanged, and closes the client when the service closes', async () => {
    const { echo, proxy } = await setup();
    const c = await connect(proxy.port);
    const text = 'héllo \u0000 wörld '.repeat(2000);
    c.socket.write(text);
    await until(() => c.received().length >= text.length);
    expect(c.received()).toBe(text);
    expect(proxy.stats()).toEqual({ accepted: 1, open: 1 });
    for (const s of echo.sockets) s.destroy();
    await until(() => c.events.includes('close'));
    await until(() => proxy.stats().open === 0);
  });

  it('adds latency in each direction and keeps the order of chunks', async () => {
    const { proxy } = await setup();
    const c = await connect(proxy.port);
    proxy.latencyMs = 150;
    const started = Date.now();
    for (let i = 0; i < 20; i++) c.socket.write(`${i},`);
    const expected = Array.from({ length: 20 }, (_, i) => `${i},`).join('');
    await until(() => c.received() === expected);
    // There and back: at least twice the one-way delay.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    proxy.latencyMs = 0;
    const again = Date.now();
    c.socket.write('x');
    await until(() => c.received().endsWith('x'));
    expect(Date.now() - again).toBeLessThan(150);
  });

  it('black hole: open and new connections stop answering, without end or reset; release delivers what was held', async () => {
    const { proxy } = await setup();
    const c = await connect(proxy.port);
    c.socket.write('a');
    await until(() => c.received() === 'a');
    proxy.blackhole();
    expect(proxy.inBlackHole).toBe(true);
    c.socket.write('b');
    const late = await connect(proxy.port); // accepted, then silent
    late.socket.write('z');
    await sleep(300);
    expect(c.received()).toBe('a');
    expect(late.received()).toBe('');
    expect(c.events).toEqual([]);
    expect(late.events).toEqual([]);
    proxy.heal('release');
    await until(() => c.received() === 'ab' && late.received() === 'z');
    c.socket.write('c');
    await until(() => c.received() === 'abc');
  });

  it('black hole ending with drop: swallowed connections stay silent forever, new ones work', async () => {
    const { proxy } = await setup();
    const c = await connect(proxy.port);
    proxy.blackhole();
    c.socket.write('lost');
    await sleep(100);
    proxy.heal('drop');
    c.socket.write('also lost');
    const fresh = await connect(proxy.port);
    fresh.socket.write('fine');
    await until(() => fresh.received() === 'fine');
    await sleep(200);
    expect(c.received()).toBe('');
    expect(c.events).toEqual([]);
    // The client giving up frees the connection.
    c.socket.destroy();
    await until(() => proxy.stats().open === 1);
  });

  it('a service that is down: the connection is refused (reset), unless inside a black hole', async () => {
    const echo = await echoServer();
    const proxy = await FaultProxy.start({ port: echo.port });
    cleanup.push(() => proxy.close());
    await echo.close();
    const c = await connect(proxy.port);
    await until(() => c.events.includes('close'));
    expect(proxy.stats().open).toBe(0);
  });

  it('resetAll closes every connection at once', async () => {
    const { proxy } = await setup();
    const [c1, c2] = [await connect(proxy.port), await connect(proxy.port)];
    await until(() => proxy.stats().open === 2);
    proxy.resetAll();
    await until(() => c1.events.includes('close') && c2.events.includes('close'));
    expect(proxy.stats().open).toBe(0);
  });
});
