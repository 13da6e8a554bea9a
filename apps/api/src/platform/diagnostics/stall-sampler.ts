import { Session } from 'node:inspector/promises';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
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

export interface StallReport {
  thresholdMs: number;
  samplingIntervalUs: number;
  observedMs: number;
  stalls: number;
  stalledMs: number;
  stallMs: { p50: number; p99: number; max: number };
  /** The loop's delay over the whole run (perf_hooks), for scale. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Stalls dropped because the sampler's own profile hand-off caused or overlapped them. */
  excludedSamplerStalls: number;
  /** Sampled time inside stalls, by cause, own innermost frame and innermost frame. */
  causes: { cause: string; ms: number; share: number }[];
  ownFrames: { frame: string; ms: number }[];
  leafFrames: { frame: string; ms: number }[];
  /** The longest stalls, with what ran in each. */
  longest: {
    atMs: number;
    durationMs: number;
    causes: { cause: string; ms: number }[];
    ownFrames: { frame: string; ms: number }[];
  }[];
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Finds the event loop's stalls and what ran during them: a timer notes every turn longer than
 * the threshold, while the V8 sampling profiler (through the inspector, in this process) records
 * what was on the stack; each slice of the profile is matched against the stalls it covers.
 * A diagnostic for benchmark and production investigations (STALL_REPORT_DIR), off by default:
 * profiling costs a few percent of CPU.
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
  private readonly attribution: StallAttribution = {
    stalls: [],
    causes: {},
    ownFrames: {},
    leafFrames: {},
  };

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

  /** Stops sampling and returns the report. */
  async stop(): Promise<StallReport> {
    clearInterval(this.tickTimer);
    clearInterval(this.sliceTimer);
    await this.slicing;
    this.tick();
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
      mergeAttribution(this.attribution, attributeStalls(profile, windows));
      while (this.ownBusy.length > 2) this.ownBusy.shift();
    })().finally(() => (this.slicing = undefined));
    return this.slicing;
  }

  private report(): StallReport {
    const a = this.attribution;
    const durations = a.stalls.map((s) => s.durationMs).sort((x, y) => x - y);
    const pct = (p: number) =>
      durations.length
        ? durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]!
        : 0;
    const sampled = Object.values(a.causes).reduce((x, y) => x + y, 0);
    const h = this.histogram;
    const ms = (ns: number | undefined) => round((ns ?? 0) / 1e6);
    return {
      thresholdMs: this.options.thresholdMs,
      samplingIntervalUs: this.samplingIntervalUs,
      observedMs: round((nowUs() - this.startedAt) / 1000),
      stalls: durations.length,
      stalledMs: round(durations.reduce((x, y) => x + y, 0)),
      stallMs: { p50: round(pct(0.5)), p99: round(pct(0.99)), max: round(durations.at(-1) ?? 0) },
      loopDelayMs: {
        p50: ms(h?.percentile(50)),
        p99: ms(h?.percentile(99)),
        max: ms(h?.max),
      },
      excludedSamplerStalls: this.excluded,
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
          causes: top(s.causes, 4).map(([cause, t]) => ({ cause, ms: round(t) })),
          ownFrames: top(s.ownFrames, 4).map(([frame, t]) => ({ frame, ms: round(t) })),
        })),
    };
  }
}
