import { ManagedProcess } from './managed-process';
import { freePort } from './free-port';

/** A Redis or NATS server for tests: a private child process, or an external one from the environment. */
export interface TestService {
  /** Connection URL (`redis://127.0.0.1:N`, `nats://127.0.0.1:N`). */
  readonly url: string;
  /** True when the URL came from the environment: then stop/kill do nothing and restart throws. */
  readonly external: boolean;
  /** Graceful shutdown (SIGTERM). */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), as a crash looks to clients. */
  kill(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port. */
  restart(): Promise<void>;
}

export const externalService = (url: string): TestService => ({
  url,
  external: true,
  stop: async () => undefined,
  kill: async () => undefined,
  restart: async () => {
    throw new Error(
      `cannot restart an external service (${url}): unset the environment variable to use a private one`,
    );
  },
});

export interface LocalServiceSpec {
  binary: string;
  args: (port: number) => string[];
  probe: (port: number) => Promise<boolean>;
  url: (port: number) => string;
  /** Called once after the final stop (e.g. to delete a storage directory). */
  cleanup?: () => Promise<void>;
}

/** A server run by the harness on a port it picked, restartable on that same port. */
export class LocalService implements TestService {
  readonly external = false;
  private stopped = false;

  private constructor(
    private readonly spec: LocalServiceSpec,
    private readonly port: number,
    private process: ManagedProcess,
  ) {}

  /** Spawns the server, retrying on a fresh port when another process grabbed the first one. */
  static async start(spec: LocalServiceSpec): Promise<LocalService> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const process = ManagedProcess.spawn(spec.binary, spec.args(port));
      try {
        await process.waitUntil(() => spec.probe(port));
        return new LocalService(spec, port, process);
      } catch (err) {
        lastError = err;
        await process.kill();
      }
    }
    throw lastError;
  }

  get url(): string {
    return this.spec.url(this.port);
  }

  async stop(): Promise<void> {
    await this.process.stop();
    if (!this.stopped) {
      this.stopped = true;
      await this.spec.cleanup?.();
    }
  }

  async kill(): Promise<void> {
    await this.process.kill();
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error(`${this.url} was stopped for good; start a new service`);
    await this.process.stop();
    // The old socket may linger briefly; the probe loop below waits for the new process to bind.
    this.process = ManagedProcess.spawn(this.spec.binary, this.spec.args(this.port));
    await this.process.waitUntil(() => this.spec.probe(this.port));
  }
}
