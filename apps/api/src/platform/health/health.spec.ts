import { INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DrainState } from './drain-state';
import { HealthModule } from './health.module';
import { HealthService } from './health.service';
import { ReadinessCheck } from './readiness-check';

class FlagCheck extends ReadinessCheck {
  constructor(
    readonly name: string,
    public ready: boolean | 'throw' | 'hang',
  ) {
    super();
  }
  isReady(): Promise<boolean> {
    if (this.ready === 'throw') return Promise.reject(new Error('down'));
    if (this.ready === 'hang') return new Promise(() => undefined);
    return Promise.resolve(this.ready);
  }
}

@Injectable()
class StoreCheck extends FlagCheck {
  constructor() {
    super('store', true);
  }
}

@Injectable()
class BusCheck extends FlagCheck {
  constructor() {
    super('bus', true);
  }
}

@Module({ providers: [StoreCheck, BusCheck], exports: [StoreCheck, BusCheck] })
class ChecksModule {}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(
  required?: readonly string[],
): Promise<{ url: string; app: INestApplication }> {
  @Module({
    imports: [
      HealthModule.forRoot({ imports: [ChecksModule], checks: [StoreCheck, BusCheck], required }),
    ],
  })
  class TestModule {}
  app = await NestFactory.create(TestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), app };
}

async function get(url: string): Promise<{ status: number; body: unknown; cache: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json(), cache: res.headers.get('cache-control') };
}

describe('HealthController', () => {
  it('answers 200 on /healthz and /readyz when every check passes', async () => {
    const { url } = await start();
    expect(await get(`${url}/healthz`)).toEqual({
      status: 200,
      body: { status: 'ok' },
      cache: 'no-store',
    });
    expect(await get(`${url}/readyz`)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { store: true, bus: true } },
      cache: 'no-store',
    });
  });

  it.each([false, 'throw', 'hang'] as const)(
    'answers 503 on /readyz with per-check results when a check is %s',
    async (state) => {
      const { url, app } = await start();
      app.get(BusCheck).ready = state;
      expect(await get(`${url}/readyz`)).toMatchObject({
        status: 503,
        body: { status: 'unavailable', checks: { store: true, bus: false } },
      });
      // Liveness does not depend on dependencies.
      expect((await get(`${url}/healthz`)).status).toBe(200);
    },
  );

  it('degrades instead of failing when only checks that are not required fail', async () => {
    const { url, app } = await start(['store']);
    app.get(BusCheck).ready = false;
    expect(await get(`${url}/readyz`)).toMatchObject({
      status: 200,
      body: { status: 'degraded', checks: { store: true, bus: false } },
    });
    app.get(StoreCheck).ready = 'hang';
    expect(await get(`${url}/readyz`)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', checks: { store: false, bus: false } },
    });
  });

  it('with no required check, stays ready through any dependency outage, not through draining', async () => {
    const { url, app } = await start([]);
    app.get(StoreCheck).ready = false;
    app.get(BusCheck).ready = 'throw';
    expect(await get(`${url}/readyz`)).toMatchObject({
      status: 200,
      body: { status: 'degraded', checks: { store: false, bus: false } },
    });
    app.get(DrainState).startDraining();
    expect((await get(`${url}/readyz`)).status).toBe(503);
  });

  it('answers 503 on both once draining', async () => {
    const { url, app } = await start();
    app.get(DrainState).startDraining();
    expect(await get(`${url}/healthz`)).toMatchObject({
      status: 503,
      body: { status: 'draining' },
    });
    expect(await get(`${url}/readyz`)).toMatchObject({
      status: 503,
      body: { status: 'draining', checks: { store: true, bus: true } },
    });
  });

  it('accepts checks registered at runtime and ANDs duplicate names', async () => {
    const { url, app } = await start();
    const health = app.get(HealthService);
    const remove = health.register(new FlagCheck('redis', true));
    health.register(new FlagCheck('store', false));
    expect(await get(`${url}/readyz`)).toMatchObject({
      status: 503,
      body: { checks: { store: false, bus: true, redis: true } },
    });
    remove();
    expect((await get(`${url}/readyz`)).body).toEqual({
      status: 'unavailable',
      checks: { store: false, bus: true },
    });
  });
});

describe('DrainState', () => {
  it('notifies listeners once', () => {
    const drain = new DrainState();
    let calls = 0;
    const off = drain.onDraining(() => calls++);
    drain.startDraining();
    drain.startDraining();
    off();
    expect(drain.isDraining).toBe(true);
    expect(calls).toBe(1);
  });
});
