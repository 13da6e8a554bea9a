/**
 * A dependency that must be usable before the instance takes traffic (store, bus, Redis…).
 * Register implementations through {@link READINESS_CHECKS} (see HealthModule.forRoot).
 */
export abstract class ReadinessCheck {
  /** Key in the `/readyz` body, e.g. `store`, `bus`. */
  abstract name: string;
  /** True when ready. Slower than one second, rejected, or false: not ready. */
  abstract isReady(): Promise<boolean>;
}

/** Injection token of the `ReadinessCheck[]` the `/readyz` endpoint evaluates. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Injection token of the check names that make `/readyz` fail (`'all'`: every check). */
export const READINESS_REQUIRED = Symbol('READINESS_REQUIRED');
