import 'reflect-metadata';
import { writeSync } from 'node:fs';
import type { Server } from 'node:http';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ManageTenants } from '@chatter/core';
import { documentGuard, trustedDocumentsGuard } from '@chatter/graphql';
import { AppModule } from './app.module';
import { AppConfig, buildCorsOptions, ConfigError, loadConfig } from './platform/config';
import { responseCompression } from './platform/compression';
import { securityHeaders, untrustedProxyWarning } from './platform/security';
import { MetricsService, startMetricsServer } from './platform/metrics';
import { ShutdownService } from './platform/shutdown';
import { queryLimitsFor } from './wiring/query-limits';
import { mountStaticIfAvailable } from './wiring/static';
import { trustedDocumentsFor } from './wiring/trusted-documents';

/** Creates the application (not listening yet). */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const trusted = trustedDocumentsFor(config); // a bad manifest stops here, before anything starts
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.http.trustProxy);
  const proxyLog = new NestLogger('Proxy');
  app.use(untrustedProxyWarning((line) => proxyLog.warn(line)));
  app.disable('x-powered-by');
  applyKeepAlive(app.getHttpServer() as Server, config.http.keepAliveTimeoutMs);
  app.useBodyParser('json', { limit: '100kb' });
  // Trusted documents first: a document outside the manifest is refused before any parsing.
  app.use('/graphql', trustedDocumentsGuard(trusted, config.graphql.introspection));
  const schemaHost = app.get(GraphQLSchemaHost);
  app.use(
    '/graphql',
    documentGuard({ schema: () => schemaHost.schema, limits: queryLimitsFor(config) }),
  );
  app.use(securityHeaders());
  app.use(responseCompression());
  app.enableCors(buildCorsOptions(config));
  await mountStaticIfAvailable(app, config);
  return app;
}

const LISTEN_BACKLOG = 4096;

/**
 * Keeps idle client connections longer than the proxies in front keep their upstream ones
 * (ingress-nginx and nginx: 60 s): otherwise Node (default 5 s) closes a connection just as the
 * proxy reuses it, and that request fails with 502. The header timeout must exceed it, or a
 * request arriving on a long-idle connection could be cut while its headers come in.
 */
export function applyKeepAlive(server: Server, keepAliveTimeoutMs: number): void {
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 1000;
}

/** Validates configuration, starts the API and installs graceful shutdown. */
export async function run(): Promise<void> {
  installFatalErrorLog();
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  const tenants = app.get(ManageTenants);
  const ensured = await tenants.ensureDefault(config.auth.defaultTenantSecret ?? null);
  if (ensured.configuredSecretIgnored) {
    new NestLogger('Chatter').warn(
      "DEFAULT_TENANT_SECRET differs from the default tenant's stored signing secret (it was rotated): the stored secret stays in force. DEFAULT_TENANT_SECRET only seeds a new default tenant; remove it or set it to the current secret.",
    );
  }
  app.get(ShutdownService).install(app);
  // A deep accept queue: after an outage every client reconnects at once, and connections the
  // kernel cannot queue are reset (the kernel caps this at net.core.somaxconn).
  const listen = app.listen.bind(app) as unknown as (
    port: number,
    host: string,
    backlog: number,
  ) => Promise<unknown>;
  await listen(config.http.port, config.http.host, LISTEN_BACKLOG);
  const logger = new NestLogger('Chatter');
  if (config.http.metricsPort !== undefined) {
    await startMetricsServer(app.get(MetricsService), config.http.metricsPort, config.http.host);
    logger.log(`metrics on port ${config.http.metricsPort} (/metrics only)`);
  }
  logger.log(
    `Chatter listening on http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port} ` +
      `(${config.mode} mode, store=${config.store.kind}, bus=${config.bus})`,
  );
}

/**
 * Prints one recognizable line (`CHATTER FATAL …`, on stderr, synchronously) for an uncaught
 * exception or unhandled rejection. A monitor only: Node still ends the process, since a process
 * in an unknown state must not keep serving; the fix for a crash is to have none.
 */
export function installFatalErrorLog(): void {
  if (process.listeners('uncaughtExceptionMonitor').includes(logFatal)) return;
  process.on('uncaughtExceptionMonitor', logFatal);
}

function logFatal(error: unknown, origin: string): void {
  const kind = origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception';
  const detail =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  try {
    writeSync(2, `CHATTER FATAL ${kind}: ${detail.replace(/\n/g, ' | ')}\n`);
  } catch {
    // stderr is gone: nothing left to tell
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(
      `Chatter failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
