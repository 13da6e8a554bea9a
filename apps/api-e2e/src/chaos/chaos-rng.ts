/**
 * A small seeded PRNG (mulberry32): the chaos schedule (operations, faults, their timing and
 * targets) is a function of the seed, so `CHAOS_SEED=n` replays a run's schedule. Interleavings
 * with the real processes still vary from run to run.
 */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A key from a table of weights. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  /** An independent stream derived from this seed and a label (one per simulated user, the fault driver…). */
  fork(label: string): Rng {
    let h = this.seed ^ 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new Rng(h >>> 0);
  }
}

/** A seed from `CHAOS_SEED`, or a fresh random one. */
export function seedFromEnv(): number | null {
  const raw = process.env['CHAOS_SEED'];
  if (!raw) return null;
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`CHAOS_SEED must be a non-negative integer, got ${raw}`);
  return seed;
}

export const randomSeed = (): number => Math.floor(Math.random() * 1_000_000_000);
