import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { DestinationStream, LoggerOptions, stdSerializers, stdTimeFunctions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { createPrettyLogStream } from './pretty-log-stream';
import { REDACTED, redactionPaths } from './redaction';

/** Header carrying the request id, read from trusted proxies and echoed on every response. */
export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes are polled constantly; logging each would drown the rest. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

type Request = IncomingMessage & { originalUrl?: string; id?: unknown };

/** Reuses a well-formed incoming request id, otherwise makes one; echoes it in the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id =
    typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Shared pino options: level, redaction, timestamps and safe error serialization. */
export function pinoOptions(config: Pick<AppConfig, 'log'>): LoggerOptions {
  return {
    level: config.log.level,
    redact: { paths: redactionPaths(), censor: REDACTED },
    timestamp: stdTimeFunctions.isoTime,
    serializers: { err: serializeError },
  };
}

/** Destination for the configured format: stdout JSON, or one readable line per entry. */
export function logDestination(config: Pick<AppConfig, 'log'>): DestinationStream | undefined {
  return config.log.format === 'pretty' ? createPrettyLogStream() : undefined;
}

/**
 * nestjs-pino parameters for `LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory })`:
 * request ids, one log per request (probes excluded), queries stripped from logged URLs (GET
 * GraphQL requests carry variables there), and no headers at all in request logs.
 */
export function createLoggerParams(
  config: Pick<AppConfig, 'log'>,
  destination = logDestination(config),
): Params {
  const options: PinoHttpOptions<Request, ServerResponse> = {
    ...pinoOptions(config),
    genReqId: requestId,
    autoLogging: { ignore: (req) => QUIET_PATHS.has(pathOf(req)) },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      err: serializeError,
      req: (req: { id?: unknown; method?: string; url?: string; raw?: Request }) => ({
        id: req.id,
        method: req.method,
        url: pathOf(req.raw ?? { url: req.url }),
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return { pinoHttp: destination ? [options, destination] : options };
}

function pathOf(req: { originalUrl?: string; url?: string }): string {
  return (req.originalUrl ?? req.url ?? '').split('?')[0]!;
}

/**
 * pino's error serializer, with `code` renamed `errorCode`: `code` is redacted everywhere (login
 * codes), but error codes such as DomainError's or ECONNREFUSED are what an operator needs.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, ...rest } = stdSerializers.err(error) as Record<string, unknown>;
  return code === undefined ? rest : { ...rest, errorCode: code };
}
