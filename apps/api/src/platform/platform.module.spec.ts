import { INestApplication, Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APP_CONFIG,
  AppConfig,
  DrainState,
  loadConfig,
  PlatformModule,
  ReadinessCheck,
  ShutdownService,
} from './index';

@Injectable()
class StoreReady extends ReadinessCheck {
  name = 'store';
  isReady() {
    return Promise.resolve(true);
  }
}

let app: INestApplication | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PlatformModule', () => {
  it('wires config, logging, health, metrics and shutdown together', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'chatter-platform-'));
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dir }, { cwd: dir, repoRoot: dir });
    app = await NestFactory.create(
      PlatformModule.forRoot(config, { providers: [StoreReady], checks: [StoreReady] }),
      { bufferLogs: true, abortOnError: false },
    );
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();

    expect(app.get<AppConfig>(APP_CONFIG)).toBe(config);
    expect(app.get(ShutdownService)).toBeInstanceOf(ShutdownService);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({
      status: 'ok',
      checks: { store: true },
    });
    const res = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'abc-1' } });
    expect(res.headers.get('x-request-id')).toBe('abc-1');
    expect(await (await fetch(`${url}/metrics`)).text()).toContain(
      'chatter_http_requests_total{method="GET",route="/readyz",status="200"} 1',
    );
    app.get(DrainState).startDraining();
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
  });
});
