import { sleep } from '../support';
import { ChaosCluster, ServiceName } from './chaos-cluster';
import { Rng } from './chaos-rng';

export type FaultKind =
  'kill-nats' | 'kill-redis' | 'kill-instance' | 'pause-store' | 'latency' | 'black-hole';

export interface FaultDriverOptions {
  /** Quiet time between two faults, in ms (uniform in [min, max]). */
  gapMs: [number, number];
  /** How long a fault lasts, in ms (uniform in [min, max]). */
  holdMs: [number, number];
  /** Each fault as it is injected, and the driver's own failures. */
  log?: (line: string) => void;
}

/**
 * Injects one fault at a time at random moments, each for a random while: kills and restarts
 * NATS or Redis, kills the victim instance and starts it again, freezes the store process
 * (SIGSTOP/SIGCONT), adds latency or a black hole between one instance and one service. Every
 * fault is undone before the next one starts; `counts` says what was injected.
 */
export class FaultDriver {
  readonly counts = new Map<string, number>();
  readonly log: string[] = [];
  /** Faults the driver could not undo (e.g. an instance that would not start again). */
  readonly failures: string[] = [];
  private stopping = false;
  private readonly started = Date.now();

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly rng: Rng,
    private readonly options: FaultDriverOptions,
  ) {}

  /** Runs until stop(); resolves once the last fault was undone. */
  async run(): Promise<void> {
    while (!this.stopping) {
      await this.wait(this.rng.int(...this.options.gapMs));
      if (this.stopping) break;
      try {
        await this.inject();
      } catch (error) {
        // Undo what can be undone; the run reports the failure.
        const line = `fault driver: ${(error as Error).message.split('\n')[0]}`;
        this.failures.push(line);
        this.note(line);
        await this.cluster
          .heal()
          .catch((e: unknown) =>
            this.failures.push(`heal: ${(e as Error).message.split('\n')[0]}`),
          );
      }
    }
  }

  stop(): void {
    this.stopping = true;
  }

  private kinds(): FaultKind[] {
    const kinds: FaultKind[] = [
      'kill-redis',
      'kill-instance',
      'pause-store',
      'latency',
      'black-hole',
    ];
    if (this.cluster.nats) kinds.push('kill-nats');
    return kinds;
  }

  private async inject(): Promise<void> {
    const kind = this.rng.pick(this.kinds());
    const hold = this.rng.int(...this.options.holdMs);
    const c = this.cluster;
    switch (kind) {
      case 'kill-nats':
      case 'kill-redis': {
        const service = c.service(kind === 'kill-nats' ? 'nats' : 'redis');
        this.record(kind, `${hold} ms`);
        await service.kill();
        await sleep(hold);
        await service.restart();
        return;
      }
      case 'kill-instance': {
        const slot = c.victim;
        this.record(kind, `instance ${slot.index}, down ${hold} ms`);
        await c.killInstance(slot);
        await sleep(hold);
        for (let attempt = 1; ; attempt++) {
          try {
            await c.startInstance(slot);
            return;
          } catch (error) {
            // Its output says why; a process that cannot start again is a finding, not noise.
            this.note(
              `instance ${slot.index} did not start (attempt ${attempt}): ${(error as Error).message.slice(0, 3000)}`,
            );
            if (attempt >= 3) throw error;
          }
        }
      }
      case 'pause-store': {
        this.record(kind, `${hold} ms`);
        c.freezeStore(true);
        try {
          await sleep(hold);
        } finally {
          c.freezeStore(false);
        }
        return;
      }
      case 'latency': {
        const { slot, service, proxy } = this.target();
        const ms = this.rng.int(20, 400);
        this.record(`latency ${service}`, `instance ${slot}, ${ms} ms each way for ${hold} ms`);
        proxy.latencyMs = ms;
        await sleep(hold);
        proxy.latencyMs = 0;
        return;
      }
      case 'black-hole': {
        const { slot, service, proxy } = this.target();
        // The store's driver gets partitions that heal; the bus and Redis clients also get
        // connections that stay silent for good and must be noticed by their liveness checks.
        const mode = service === 'mongo' || this.rng.chance(0.5) ? 'release' : 'drop';
        this.record(`black-hole ${service} ${mode}`, `instance ${slot}, ${hold} ms`);
        proxy.blackhole();
        await sleep(hold);
        proxy.heal(mode);
        return;
      }
    }
  }

  private target() {
    const slot = this.rng.pick(this.cluster.slots);
    const service: ServiceName = this.rng.pick(this.cluster.serviceNames);
    return { slot: slot.index, service, proxy: slot.proxies[service]! };
  }

  private record(kind: string, detail: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.note(`${kind}: ${detail}`);
  }

  private note(text: string): void {
    const line = `+${((Date.now() - this.started) / 1000).toFixed(1)} s ${text}`;
    this.log.push(line);
    this.options.log?.(line);
  }

  private async wait(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!this.stopping && Date.now() < end) await sleep(Math.min(200, end - Date.now()));
  }
}
