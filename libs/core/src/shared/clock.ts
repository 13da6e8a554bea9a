/** Time source and timers; tests substitute a controllable clock (see ManualClock). */
export abstract class Clock {
  abstract now(): Date;

  /**
   * Runs `fn` once after `ms` and returns a function that cancels it. Timers never keep the
   * process alive. Code that waits on time uses this instead of `setTimeout`, so a test can
   * move time forward instead of waiting.
   */
  setTimer(ms: number, fn: () => void): () => void {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that moves only when told to; due timers run, in due order, inside `advance`. */
export class ManualClock extends Clock {
  private time: number;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    super();
    this.time = start;
  }

  now(): Date {
    return new Date(this.time);
  }

  override setTimer(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return () => this.timers.delete(id);
  }

  /** Timers not yet run or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running each timer that falls due (earliest first). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.timers)
        if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
    }
    this.time = until;
  }
}
