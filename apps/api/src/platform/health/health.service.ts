import { Inject, Injectable, Optional } from '@nestjs/common';
import { DrainState } from './drain-state';
import { READINESS_CHECKS, READINESS_REQUIRED, ReadinessCheck } from './readiness-check';

/** How long one readiness check may take before it counts as not ready. */
export const READINESS_TIMEOUT_MS = 1000;

export interface ReadinessReport {
  /** Takes traffic: not draining and every required check passes. */
  readonly ready: boolean;
  /** Ready, but a check that is not required fails (some operations fail for now). */
  readonly degraded: boolean;
  readonly draining: boolean;
  readonly checks: Readonly<Record<string, boolean>>;
}

/** Evaluates liveness and readiness; checks come from READINESS_CHECKS and `register()`. */
@Injectable()
export class HealthService {
  private readonly checks: ReadinessCheck[];

  constructor(
    private readonly drain: DrainState,
    @Optional() @Inject(READINESS_CHECKS) checks?: ReadinessCheck[],
    @Optional()
    @Inject(READINESS_REQUIRED)
    private readonly required: readonly string[] | 'all' = 'all',
  ) {
    this.checks = [...(checks ?? [])];
  }

  /** Adds a check at runtime (e.g. from an adapter module's onModuleInit); returns its remover. */
  register(check: ReadinessCheck): () => void {
    this.checks.push(check);
    return () => {
      const index = this.checks.indexOf(check);
      if (index >= 0) this.checks.splice(index, 1);
    };
  }

  /** Alive and not draining. */
  isLive(): boolean {
    return !this.drain.isDraining;
  }

  /** Runs every check concurrently, each bounded by {@link READINESS_TIMEOUT_MS}. */
  async readiness(timeoutMs = READINESS_TIMEOUT_MS): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((check) => runCheck(check, timeoutMs)));
    const checks: Record<string, boolean> = {};
    // Two checks with one name (e.g. two Redis clients) must both pass.
    this.checks.forEach(
      (check, i) => (checks[check.name] = (checks[check.name] ?? true) && results[i]!),
    );
    const draining = this.drain.isDraining;
    const failing = Object.keys(checks).filter((name) => !checks[name]);
    const required = this.required;
    const blocking = failing.filter((name) => required === 'all' || required.includes(name));
    const ready = !draining && blocking.length === 0;
    return { ready, degraded: ready && failing.length > 0, draining, checks };
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return (await Promise.race([Promise.resolve().then(() => check.isReady()), timeout])) === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
