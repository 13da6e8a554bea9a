import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrainState } from '../health/drain-state';
import { ShutdownProcess, ShutdownService, ShutdownTarget } from './shutdown.service';

class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly exits: number[] = [];
  exited!: Promise<number>;
  private resolveExit!: (code: number) => void;
  constructor() {
    super();
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }
  exit(code: number): void {
    this.exits.push(code);
    this.resolveExit(code);
  }
  signal(signal: 'SIGTERM' | 'SIGINT'): void {
    this.emit(signal, signal);
  }
}

class FakeApp implements ShutdownTarget {
  closed = 0;
  constructor(
    readonly events: string[],
    private readonly server?: Server,
    private readonly closeImpl: () => Promise<void> = async () => undefined,
  ) {}
  getHttpServer(): unknown {
    return this.server;
  }
  async close(): Promise<void> {
    this.events.push('app.close');
    this.closed++;
    await this.closeImpl();
  }
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

function setup(graceMs = 5000, server?: Server, closeImpl?: () => Promise<void>) {
  const events: string[] = [];
  const proc = new FakeProcess();
  const drain = new DrainState();
  drain.onDraining(() => events.push('draining'));
  const service = new ShutdownService({ shutdownGraceMs: graceMs }, drain, proc);
  const app = new FakeApp(events, server, closeImpl);
  service.install(app);
  return { events, proc, drain, service, app };
}

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

describe('ShutdownService', () => {
  it('drains, waits for drainers, closes the app, then exits 0', async () => {
    const { events, proc, service, app } = setup(5000);
    const ws = deferred();
    const grace: number[] = [];
    service.registerDrainer('websockets', async (ms) => {
      grace.push(ms);
      events.push('ws.start');
      await ws.promise;
      events.push('ws.done');
    });
    proc.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['draining', 'ws.start']);
    expect(app.closed).toBe(0);
    ws.resolve();
    expect(await proc.exited).toBe(0);
    expect(events).toEqual(['draining', 'ws.start', 'ws.done', 'app.close']);
    expect(grace).toEqual([5000]);
    expect(proc.exits).toEqual([0]);
  });

  it('stops waiting for drainers after the grace period', async () => {
    const { events, proc, service } = setup(50);
    service.registerDrainer('stuck', () => new Promise(() => undefined));
    proc.signal('SIGINT');
    expect(await proc.exited).toBe(0);
    expect(events).toEqual(['draining', 'app.close']);
  });

  it('survives a failing drainer and still runs the others', async () => {
    const { events, proc, service } = setup(1000);
    service.registerDrainer('broken', () => Promise.reject(new Error('nope')));
    service.registerDrainer('ok', async () => void events.push('ok'));
    proc.signal('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(events).toEqual(['draining', 'ok', 'app.close']);
  });

  it('exits immediately on a second signal', async () => {
    const { proc, service, app } = setup(5000);
    service.registerDrainer('stuck', () => new Promise(() => undefined));
    proc.signal('SIGTERM');
    proc.signal('SIGINT');
    expect(proc.exits).toEqual([130]);
    expect(app.closed).toBe(0);
  });

  it('exits 1 when closing the app fails', async () => {
    const { proc } = setup(10, undefined, () => Promise.reject(new Error('db stuck')));
    proc.signal('SIGTERM');
    expect(await proc.exited).toBe(1);
  });

  it('runs once however often shutdown() is called, and forgets removed drainers', async () => {
    const { proc, service } = setup(100);
    let calls = 0;
    const remove = service.registerDrainer('gone', async () => void calls++);
    remove();
    await Promise.all([service.shutdown('test'), service.shutdown('test')]);
    expect(proc.exits).toEqual([0]);
    expect(calls).toBe(0);
  });

  it('stops listening for signals when the app closes', () => {
    const { proc, service } = setup();
    expect(proc.listenerCount('SIGTERM')).toBe(1);
    service.onApplicationShutdown();
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
});

describe('ShutdownService with a real HTTP server', () => {
  let server: Server;
  let port: number;
  const release = deferred();
  const arrived = deferred();

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') {
        arrived.resolve();
        void release.promise.then(() => res.end('slow done'));
      } else res.end('fast');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  const get = (path: string, agent?: import('node:http').Agent) =>
    new Promise<{ body: string; connection: string | undefined }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ body, connection: res.headers.connection }));
      })
        .on('error', reject)
        .end();
    });

  it('refuses new connections, finishes in-flight requests, then closes', async () => {
    const { proc, drain, events } = setup(5000, server);
    const slow = get('/slow');
    await arrived.promise;
    proc.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    expect(drain.isDraining).toBe(true);
    await expect(get('/fast')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(events).toEqual(['draining']); // still waiting for /slow
    release.resolve();
    expect(await slow).toMatchObject({ body: 'slow done', connection: 'close' });
    expect(await proc.exited).toBe(0);
    expect(events).toEqual(['draining', 'app.close']);
  });
});
