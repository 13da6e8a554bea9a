import { readFileSync } from 'node:fs';

/** CPU time and memory of a process, read from procfs (Linux only). */
export interface ProcSample {
  /** user + system CPU in microseconds */
  cpuUs: number;
  rssBytes: number;
  atUs: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux builds we target.

/** Parses /proc/<pid>/stat; the comm field may contain spaces and parentheses. */
export function parseStatCpuUs(stat: string, ticksPerSecond = TICKS_PER_SECOND): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('malformed /proc stat');
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is state (field 3); utime is field 14 and stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error('malformed /proc stat times');
  return ((utime + stime) * 1e6) / ticksPerSecond;
}

export function parseStatusRssBytes(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const cpuUs = parseStatCpuUs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssBytes = parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuUs, rssBytes, atUs: Number(process.hrtime.bigint() / 1000n) };
  } catch {
    return undefined;
  }
}

/** Soft and hard open-file limits of a process. */
export function parseNofileLimits(limits: string): { soft: number; hard: number } | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!m) return undefined;
  const n = (v: string): number => (v === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(v));
  return { soft: n(m[1]!), hard: n(m[2]!) };
}

export function nofileLimits(
  pid: number | 'self' = 'self',
): { soft: number; hard: number } | undefined {
  try {
    return parseNofileLimits(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Samples RSS periodically to catch a peak between phase boundaries. */
export class ProcWatcher {
  private timer: NodeJS.Timeout | undefined;
  peakRss = 0;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.stop();
    this.peakRss = 0;
    this.timer = setInterval(() => {
      const s = sampleProc(this.pid);
      if (s && s.rssBytes > this.peakRss) this.peakRss = s.rssBytes;
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Machine-wide busy CPU time (all cores) from the first line of /proc/stat. */
export function parseSystemBusyUs(stat: string, ticksPerSecond = TICKS_PER_SECOND): number {
  const line = stat.split('\n', 1)[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return ((total - idle) * 1e6) / ticksPerSecond;
}

export function systemBusyUs(): number {
  try {
    return parseSystemBusyUs(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return 0;
  }
}

export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}
