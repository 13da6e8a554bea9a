import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.module';
import { DrainState } from '../health/drain-state';

/** What the shutdown sequence needs of the Nest application. */
export interface ShutdownTarget {
  close(): Promise<void>;
  getHttpServer(): unknown;
}

/** The parts of `process` the service uses; tests substitute a fake. */
export interface ShutdownProcess {
  on(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  removeListener(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/** Optional provider overriding the process the service listens on and exits. */
export const SHUTDOWN_PROCESS = Symbol('SHUTDOWN_PROCESS');

/** Finishes work within the grace period (e.g. closes every WebSocket with 1001). */
export type Drainer = (graceMs: number) => Promise<void>;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const SIGNAL_NUMBERS: Record<(typeof SIGNALS)[number], number> = { SIGINT: 2, SIGTERM: 15 };
/** app.close() gets at least this long after draining before the process gives up. */
const MIN_CLOSE_TIMEOUT_MS = 5000;

/**
 * Graceful shutdown. On the first SIGTERM/SIGINT: health turns to draining (503), the HTTP
 * server stops accepting connections (requests on kept-alive ones get `Connection: close`),
 * registered drainers and in-flight requests get SHUTDOWN_GRACE_MS, remaining connections are
 * cut, `app.close()` runs the Nest shutdown hooks, and the process exits 0 (1 if closing failed).
 * A second signal exits at once. Call {@link install} after `app.listen()`, and do not also call
 * `app.enableShutdownHooks()`: it would close the app before draining.
 */
@Injectable()
export class ShutdownService implements OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly drainers = new Map<string, Drainer>();
  private readonly inFlight = new Set<ServerResponse>();
  private readonly proc: ShutdownProcess;
  private app: ShutdownTarget | undefined;
  private running: Promise<void> | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.running) {
      const code = 128 + (SIGNAL_NUMBERS[signal as keyof typeof SIGNAL_NUMBERS] ?? 15);
      this.logger.warn(`${signal} received again: exiting now (code ${code})`);
      this.proc.exit(code);
      return;
    }
    void this.shutdown(signal);
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'shutdownGraceMs'>,
    private readonly drain: DrainState,
    @Optional() @Inject(SHUTDOWN_PROCESS) proc?: ShutdownProcess,
  ) {
    this.proc = proc ?? process;
  }

  /** Adds a drainer (names are for logs; the same name replaces). Returns its remover. */
  registerDrainer(name: string, drainer: Drainer): () => void {
    this.drainers.set(name, drainer);
    return () => {
      if (this.drainers.get(name) === drainer) this.drainers.delete(name);
    };
  }

  /** Listens for SIGTERM and SIGINT on behalf of `app`. Idempotent. */
  install(app: ShutdownTarget): void {
    if (this.app) return;
    this.app = app;
    for (const signal of SIGNALS) this.proc.on(signal, this.onSignal);
    const server = asHttpServer(app.getHttpServer());
    // Track unanswered responses so in-flight ones can also end their keep-alive connection.
    server?.prependListener('request', (_req, res) => {
      if (this.drain.isDraining) return closeAfter(res);
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    });
  }

  /** Runs the sequence once (later calls return the same promise); ends with process exit. */
  shutdown(reason = 'shutdown'): Promise<void> {
    this.running ??= this.run(reason);
    return this.running;
  }

  onApplicationShutdown(): void {
    // app.close() from elsewhere (tests, programmatic stop): stop listening for signals.
    for (const signal of SIGNALS) this.proc.removeListener(signal, this.onSignal);
  }

  private async run(reason: string): Promise<void> {
    const app = this.app;
    if (!app) throw new Error('ShutdownService.install(app) was not called');
    const graceMs = this.config.shutdownGraceMs;
    this.logger.log(`${reason}: draining for up to ${graceMs} ms`);
    this.drain.startDraining();

    const server = asHttpServer(app.getHttpServer());
    const serverClosed = server ? this.stopAccepting(server) : Promise.resolve();
    const pending = [...this.drainers].map(([name, drainer]) =>
      this.runDrainer(name, drainer, graceMs),
    );
    const finished = await withTimeout(
      Promise.all([...pending, serverClosed]).then(() => true),
      graceMs,
      false,
    );
    if (!finished)
      this.logger.warn(`grace period of ${graceMs} ms elapsed; closing remaining connections`);
    server?.closeAllConnections();

    let code = 0;
    try {
      const closed = await withTimeout(
        app.close().then(() => true),
        Math.max(graceMs, MIN_CLOSE_TIMEOUT_MS),
        false,
      );
      if (!closed) {
        this.logger.error('application did not close in time');
        code = 1;
      }
    } catch (error) {
      this.logger.error(
        `application close failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      code = 1;
    }
    this.logger.log(`stopped (exit ${code})`);
    this.proc.exit(code);
  }

  private async runDrainer(name: string, drainer: Drainer, graceMs: number): Promise<void> {
    try {
      await drainer(graceMs);
    } catch (error) {
      this.logger.warn(
        `drainer ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Stops listening, tells keep-alive clients to go, resolves once every connection is gone. */
  private stopAccepting(server: Server): Promise<void> {
    for (const res of this.inFlight) closeAfter(res);
    this.inFlight.clear();
    const closed = new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
    server.closeIdleConnections();
    return closed;
  }
}

function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

function asHttpServer(value: unknown): Server | undefined {
  const server = value as Partial<Server> | undefined;
  return server &&
    typeof server.close === 'function' &&
    typeof server.closeAllConnections === 'function'
    ? (server as Server)
    : undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
