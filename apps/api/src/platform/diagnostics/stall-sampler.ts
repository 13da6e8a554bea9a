import { Session } from 'node:inspector/promises';
import {
  createHistogram,
  Histogram,
  IntervalHistogram,
  monitorEventLoopDelay,
  RecordableHistogram,
} from 'node:perf_hooks';
import {
  attributeStalls,
  CpuProfile,
  mergeAttribution,
  StallAttribution,
  StallWindow,
  top,
} from './stall-attribution';

export interface StallSamplerOptions {
  /** A turn of the loop longer than this is a stall (ms). */
  thresholdMs: number;
  /** How often the loop is checked (ms): a stall is seen to within this. */
  tickMs?: number;
  /** The profile is handed over and analysed in slices this long, keeping memory flat (ms). */
  sliceMs?: number;
  /** The CPU profiler's sampling interval (µs). */
  samplingIntervalUs?: number;
}

/** Stall figures over a stretch of the run: the whole process, or the measured windows only. */
export interface StallFigures {
  stalls: number;
  stalledMs: number;
  stallMs: { p50: number; p99: number; max: number };
  /** The loop's delay over the stretch (perf_hooks), for scale. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Sampled time inside stalls, by cause, own innermost frame and innermost frame. */
  causes: { cause: string; ms: number; share: number }[];
  ownFrames: { frame: string; ms: number }[];
  leafFrames: { frame: string; ms: number }[];
  /** The longest stalls, with what ran in each. */
  longest: LongStall[];
}

export interface LongStall {
  atMs: number;
  durationMs: number;
  /** Whether the stall overlapped a measured window (only once a window was opened). */
  inWindow?: boolean;
  causes: { cause: string; ms: number }[];
  ownFrames: { frame: string; ms: number }[];
}

/** The figures inside the measured windows (see {@link StallSampler.toggleWindow}). */
export interface MeasuredWindowFigures extends StallFigures {
  /** How many windows were opened, and their total length. */
  windows: number;
  measuredMs: number;
  /** The last window was still open when the sampler stopped (it is closed there). */
  openAtStop: boolean;
}

/**
 * The report. The top-level figures cover the whole life of the process, as they did before
 * windows existed; `inWindow` is present only once a measured window was opened.
 */
export interface StallReport extends StallFigures {
  thresholdMs: number;
  samplingIntervalUs: number;
  observedMs: number;
  inWindow?: MeasuredWindowFigures;
  /** Stalls dropped because the sampler's own profile hand-off caused or overlapped them. */
  excludedSamplerStalls: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Finds the event loop's stalls and what ran during them: a timer notes every turn longer than
 * the threshold, while the V8 sampling profiler (through the inspector, in this process) records
 * what was on the stack; each slice of the profile is matched against the stalls it covers.
 * A diagnostic for benchmark and production investigations (STALL_REPORT_DIR), off by default:
 * profiling costs a few percent of CPU.
 *
 * {@link toggleWindow} opens and closes measured windows (the service calls it on SIGUSR2): the
 * report then gives the figures inside the windows apart from those of the whole process, so a
 * benchmark's measured phase is not mixed with its set-up and teardown.
 */
export class StallSampler {
  private readonly tickMs: number;
  private readonly sliceMs: number;
  private readonly samplingIntervalUs: number;
  private session: Session | undefined;
  private histogram: IntervalHistogram | undefined;
  private windows: StallWindow[] = [];
  private lastTick = 0;
  private startedAt = 0;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private sliceTimer: ReturnType<typeof setInterval> | undefined;
  private slicing: Promise<void> | undefined;
  /** Monotonic ranges (µs) in which the sampler itself held the loop (profile hand-offs). */
  private readonly ownBusy: StallWindow[] = [];
  private excluded = 0;
  private readonly attribution: StallAttribution = emptyAttribution();
  /** Measured windows (µs, monotonic); the last one's end is Infinity while it is open. */
  private readonly measured: StallWindow[] = [];
  /** Only the stalls overlapping a measured window, attributed again on their own. */
  private readonly windowAttribution: StallAttribution = emptyAttribution();
  /**
   * The loop's delay inside the measured windows, as the time between this sampler's ticks (ns);
   * like perf_hooks' histogram, whose own cannot pause without counting the pause.
   */
  private readonly windowDelay: RecordableHistogram = createHistogram();
  private openAtStop = false;

  constructor(private readonly options: StallSamplerOptions) {
    this.tickMs = options.tickMs ?? 10;
    this.sliceMs = options.sliceMs ?? 10_000;
    this.samplingIntervalUs = options.samplingIntervalUs ?? 1000;
  }

  async start(): Promise<void> {
    if (this.session) return;
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: this.samplingIntervalUs });
    await session.post('Profiler.start');
    this.session = session;
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.startedAt = this.lastTick = nowUs();
    this.tickTimer = setInterval(() => this.tick(), this.tickMs);
    this.tickTimer.unref();
    this.sliceTimer = setInterval(() => void this.slice(true), this.sliceMs);
    this.sliceTimer.unref();
  }

  /** Whether a measured window is open. */
  get windowOpen(): boolean {
    return this.measured.at(-1)?.end === Infinity;
  }

  /**
   * Opens a measured window, or closes the open one; windows may repeat. Returns whether a window
   * is open afterwards. Does nothing unless the sampler is running.
   */
  toggleWindow(): boolean {
    if (!this.session) return false;
    const now = nowUs();
    const last = this.measured.at(-1);
    if (last && last.end === Infinity) {
      last.end = now;
      return false;
    }
    this.measured.push({ start: now, end: Infinity });
    return true;
  }

  /** Stops sampling and returns the report. */
  async stop(): Promise<StallReport> {
    clearInterval(this.tickTimer);
    clearInterval(this.sliceTimer);
    await this.slicing;
    this.tick();
    if (this.windowOpen) {
      this.openAtStop = true;
      this.measured.at(-1)!.end = nowUs();
    }
    if (this.session) {
      await this.slice(false);
      await this.session.post('Profiler.disable');
      this.session.disconnect();
      this.session = undefined;
    }
    this.histogram?.disable();
    return this.report();
  }

  private tick(): void {
    const now = nowUs();
    if (now - this.lastTick > (this.tickMs + this.options.thresholdMs) * 1000)
      this.windows.push({ start: this.lastTick, end: now });
    const open = this.measured.at(-1);
    if (open?.end === Infinity && this.lastTick >= open.start)
      this.windowDelay.record(Math.max(1, (now - this.lastTick) * 1000));
    this.lastTick = now;
  }

  private slice(restart: boolean): Promise<void> {
    if (this.slicing || !this.session) return this.slicing ?? Promise.resolve();
    const session = this.session;
    this.slicing = (async () => {
      const busyFrom = nowUs();
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      if (restart) await session.post('Profiler.start');
      // The hand-off blocks the loop while V8 serializes the profile: the next tick sees it.
      this.ownBusy.push({ start: busyFrom, end: nowUs() + this.tickMs * 2000 });
      const windows = this.windows.filter((w) => {
        const ours = this.ownBusy.some((b) => w.start < b.end && w.end > b.start);
        if (ours) this.excluded++;
        return !ours;
      });
      this.windows = [];
      const all = attributeStalls(profile, windows);
      if (this.measured.length) {
        const inWindow = (w: StallWindow) =>
          this.measured.some((m) => w.start < m.end && w.end > m.start);
        for (const stall of all.stalls)
          stall.inWindow = inWindow({
            start: stall.start,
            end: stall.start + stall.durationMs * 1000,
          });
        const measured = windows.filter(inWindow);
        if (measured.length)
          mergeAttribution(this.windowAttribution, attributeStalls(profile, measured));
      }
      mergeAttribution(this.attribution, all);
      while (this.ownBusy.length > 2) this.ownBusy.shift();
    })().finally(() => (this.slicing = undefined));
    return this.slicing;
  }

  private report(): StallReport {
    const whole = this.figures(this.attribution, this.histogram, this.measured.length > 0);
    const { stalls, stalledMs, stallMs, loopDelayMs, ...tables } = whole;
    return {
      thresholdMs: this.options.thresholdMs,
      samplingIntervalUs: this.samplingIntervalUs,
      observedMs: round((nowUs() - this.startedAt) / 1000),
      ...(this.measured.length
        ? {
            inWindow: {
              windows: this.measured.length,
              measuredMs: round(
                this.measured.reduce(
                  (a, m) => a + (m.end === Infinity ? nowUs() : m.end) - m.start,
                  0,
                ) / 1000,
              ),
              openAtStop: this.openAtStop,
              ...this.figures(this.windowAttribution, this.windowDelay, false),
            },
          }
        : {}),
      stalls,
      stalledMs,
      stallMs,
      loopDelayMs,
      excludedSamplerStalls: this.excluded,
      ...tables,
    };
  }

  private figures(
    a: StallAttribution,
    h: Histogram | undefined,
    markWindows: boolean,
  ): StallFigures {
    const durations = a.stalls.map((s) => s.durationMs).sort((x, y) => x - y);
    const pct = (p: number) =>
      durations.length
        ? durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]!
        : 0;
    const sampled = Object.values(a.causes).reduce((x, y) => x + y, 0);
    // An empty histogram reports NaN / 9223372036854776000 as percentiles and min.
    const recorded = !!h && h.count > 0;
    const ms = (ns: number | undefined) => (recorded ? round((ns ?? 0) / 1e6) : 0);
    return {
      stalls: durations.length,
      stalledMs: round(durations.reduce((x, y) => x + y, 0)),
      stallMs: { p50: round(pct(0.5)), p99: round(pct(0.99)), max: round(durations.at(-1) ?? 0) },
      loopDelayMs: {
        p50: ms(h?.percentile(50)),
        p99: ms(h?.percentile(99)),
        max: ms(h?.max),
      },
      causes: top(a.causes, 20).map(([cause, t]) => ({
        cause,
        ms: round(t),
        share: sampled ? round((100 * t) / sampled) : 0,
      })),
      ownFrames: top(a.ownFrames, 25).map(([frame, t]) => ({ frame, ms: round(t) })),
      leafFrames: top(a.leafFrames, 25).map(([frame, t]) => ({ frame, ms: round(t) })),
      longest: [...a.stalls]
        .sort((x, y) => y.durationMs - x.durationMs)
        .slice(0, 10)
        .map((s) => ({
          atMs: round((s.start - this.startedAt) / 1000),
          durationMs: round(s.durationMs),
          ...(markWindows ? { inWindow: !!s.inWindow } : {}),
          causes: top(s.causes, 4).map(([cause, t]) => ({ cause, ms: round(t) })),
          ownFrames: top(s.ownFrames, 4).map(([frame, t]) => ({ frame, ms: round(t) })),
        })),
    };
  }
}

const emptyAttribution = (): StallAttribution => ({
  stalls: [],
  causes: {},
  ownFrames: {},
  leafFrames: {},
});
