import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@chatter/testing';
import { ApiProcess, sleep, startApi } from '../support';

/** Sends raw HTTP/1.1 requests on one kept-alive TCP connection. */
class RawConnection {
  private readonly socket;
  private buffer = '';
  closed = false;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => (this.buffer += chunk));
    this.socket.on('close', () => (this.closed = true));
  }

  async get(path: string): Promise<string> {
    this.buffer = '';
    this.socket.write(
      `GET ${path} HTTP/1.1\r\nHost: chatter.test\r\nConnection: keep-alive\r\n\r\n`,
    );
    const until = Date.now() + 10_000;
    while (!/\r\n\r\n/.test(this.buffer) && !this.closed && Date.now() < until) await sleep(20);
    return this.buffer;
  }

  end(): void {
    this.socket.destroy();
  }
}

const isPrometheusText = (text: string) => /^# HELP /m.test(text) && text.includes('process_');

describe('HTTP edges a proxy depends on', () => {
  let api: ApiProcess;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('answers /metrics on the exact path only: no case or trailing-slash variants', async () => {
    const exact = await fetch(`${api.url}/metrics`);
    expect(exact.status).toBe(200);
    expect(isPrometheusText(await exact.text())).toBe(true);
    for (const variant of [
      '/METRICS',
      '/metrics/',
      '/Metrics/',
      '/Metrics',
      '/metrics//',
      '/%6detrics',
    ]) {
      const res = await fetch(`${api.url}${variant}`);
      const body = await res.text();
      expect({ variant, prometheus: isPrometheusText(body) }).toEqual({
        variant,
        prometheus: false,
      });
      expect(res.headers.get('content-type') ?? '').not.toContain('version=0.0.4');
    }
  });

  it('keeps an idle connection open longer than a proxy keeps its upstream ones', async () => {
    const connection = new RawConnection(api.port);
    try {
      const first = await connection.get('/healthz');
      expect(first).toMatch(/^HTTP\/1\.1 200/);
      // Node announces its keep-alive timeout; proxies (60 s upstream keep-alive) need more.
      expect(first).toMatch(/Keep-Alive: timeout=65\r\n/i);
      // Node's default would close the connection after 5 s idle.
      await sleep(6_000);
      expect(connection.closed).toBe(false);
      expect(await connection.get('/healthz')).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      connection.end();
    }
  });
});

describe('METRICS_PORT', () => {
  it('moves /metrics to its own port and stops answering it on the public one', async () => {
    const metricsPort = await freePort();
    const api = await startApi({ METRICS_PORT: String(metricsPort) });
    try {
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(isPrometheusText(await res.text())).toBe(true);
      for (const path of ['/METRICS', '/metrics/', '/healthz', '/graphql'])
        expect((await fetch(`http://127.0.0.1:${metricsPort}${path}`)).status).toBe(404);
    } finally {
      await api.stop();
    }
  });
});
