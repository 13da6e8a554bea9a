import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule, Params, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/app-config.module';
import {
  createLoggerParams,
  pinoOptions,
  REQUEST_ID_HEADER,
  serializeError,
} from './logger-params';
import { loggingModule } from './logging.module';
import { createPrettyLogStream, formatLogLine } from './pretty-log-stream';

const json = { log: { level: 'info', format: 'json' } } as const satisfies Pick<AppConfig, 'log'>;

function capture() {
  const lines: string[] = [];
  return {
    lines,
    stream: { write: (line: string) => void lines.push(line) },
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('pino options', () => {
  it('redacts credentials, login codes and secrets at any of the first levels', () => {
    const out = capture();
    const logger = pino(pinoOptions(json), out.stream);
    logger.info(
      {
        connectionParams: { authorization: 'Bearer abc.def.ghi' },
        req: {
          headers: { authorization: 'Bearer xyz', cookie: 'sid=1', 'x-admin-token': 'adm-7731' },
        },
        variables: { phone: '+33600000000', code: '123456' },
        input: { nested: { refreshToken: 'rt-1', accessToken: 'at-1' } },
        env: { JWT_SECRET: 'jwt-secret-value' },
        code: '654321',
      },
      'login',
    );
    const line = out.lines[0]!;
    for (const secret of [
      'abc.def.ghi',
      'xyz',
      'sid=1',
      'adm-7731',
      '123456',
      'rt-1',
      'at-1',
      'jwt-secret-value',
      '654321',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('+33600000000');
    expect(JSON.parse(line)).toMatchObject({
      variables: { code: '[redacted]' },
      connectionParams: '[redacted]',
      msg: 'login',
    });
  });

  it('keeps error codes under errorCode', () => {
    const error = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(serializeError(error)).toMatchObject({
      type: 'Error',
      message: 'refused',
      errorCode: 'ECONNREFUSED',
    });
    expect(serializeError(error)).not.toHaveProperty('code');
    const out = capture();
    pino(pinoOptions(json), out.stream).error({ err: error }, 'boom');
    expect(out.entries()[0]).toMatchObject({ err: { errorCode: 'ECONNREFUSED' } });
  });
});

describe('pretty log stream', () => {
  it('prints one readable line per entry', () => {
    const written: string[] = [];
    const logger = pino(
      pinoOptions({ log: { level: 'info', format: 'pretty' } }),
      createPrettyLogStream({ write: (s) => written.push(s) }, false),
    );
    logger.info({ context: 'Boot', port: 3000 }, 'listening\non two lines');
    logger.error({ err: new Error('bad') }, 'failed');
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[Boot\] listening ⏎ on two lines port=3000\n$/,
    );
    expect(written[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR failed Error: bad at .+\n$/);
    expect(written.every((l) => l.indexOf('\n') === l.length - 1)).toBe(true);
  });

  it('formats request logs compactly and passes garbage through', () => {
    const line = JSON.stringify({
      level: 30,
      time: '2024-01-01T10:00:00.000Z',
      msg: 'request completed',
      req: { id: 'r1', method: 'POST', url: '/graphql' },
      res: { statusCode: 200 },
      responseTime: 7,
    });
    expect(formatLogLine(line)).toBe(
      '10:00:00.000 INFO  request completed POST /graphql 200 7ms reqId=r1',
    );
    expect(formatLogLine('not json\n')).toBe('not json');
  });
});

@Controller()
class ProbeController {
  constructor(private readonly logger: PinoLogger) {}

  @Get('hello')
  hello() {
    this.logger.info({ refreshToken: 'rt-secret' }, 'inside handler');
    return { ok: true };
  }

  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }
}

describe('LoggerModule with createLoggerParams', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(out: ReturnType<typeof capture>) {
    @Module({
      imports: [LoggerModule.forRoot(createLoggerParams(json, out.stream))],
      controllers: [ProbeController],
    })
    class TestModule {}
    app = await NestFactory.create(TestModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    return app.getUrl();
  }

  it('logs each request once as JSON with its id, without headers or query strings', async () => {
    const out = capture();
    const url = await start(out);
    const res = await fetch(
      `${url}/hello?query=%7Bme%7D&variables=%7B%22code%22%3A%22999111%22%7D`,
      {
        headers: { authorization: 'Bearer top-secret', [REQUEST_ID_HEADER]: 'req-42' },
      },
    );
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('req-42');
    await res.text();
    await fetch(`${url}/healthz`).then((r) => r.text());
    // The request log is written when the response finishes, possibly after the client has it.
    for (let i = 0; i < 50 && !out.lines.some((l) => l.includes('request completed')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const text = out.lines.join('');
    expect(text).not.toContain('top-secret');
    expect(text).not.toContain('999111');
    expect(text).not.toContain('rt-secret');
    const entries = out.entries();
    const inside = entries.find((e) => e.msg === 'inside handler');
    expect(inside).toMatchObject({ req: { id: 'req-42' }, refreshToken: '[redacted]' });
    const completed = entries.filter((e) => e.msg === 'request completed');
    expect(completed).toHaveLength(1); // /healthz is not logged
    expect(completed[0]).toMatchObject({
      level: 30,
      req: { id: 'req-42', method: 'GET', url: '/hello' },
      res: { statusCode: 200 },
    });
    expect(completed[0]!.req).not.toHaveProperty('headers');
  });

  it('replaces a malformed incoming request id', async () => {
    const out = capture();
    const url = await start(out);
    const res = await fetch(`${url}/hello`, {
      headers: { [REQUEST_ID_HEADER]: 'bad id\twith tab' },
    });
    expect(res.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('builds from the injected AppConfig', async () => {
    @Module({
      imports: [
        AppConfigModule.forRoot({ log: { level: 'silent', format: 'json' } } as AppConfig),
        loggingModule(),
      ],
    })
    class TestModule {}
    app = await NestFactory.create(TestModule, { bufferLogs: true, abortOnError: false });
    expect(app.get<Params>(PARAMS_PROVIDER_TOKEN).pinoHttp).toMatchObject({ level: 'silent' });
  });
});
