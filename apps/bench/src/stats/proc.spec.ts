import { describe, expect, it } from 'vitest';
import {
  parseNofileLimits,
  parseStatCpuUs,
  parseStatusRssBytes,
  parseSystemBusyUs,
  sampleProc,
} from './proc';

describe('procfs parsing', () => {
  it('reads utime + stime even when the command name has spaces and parentheses', () => {
    const stat =
      '1234 (node (worker) x) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 100 1000 500';
    expect(parseStatCpuUs(stat)).toBe(3_000_000);
  });

  it('reads VmRSS in bytes', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmRSS:\t  2048 kB\nThreads: 7\n')).toBe(2048 * 1024);
    expect(parseStatusRssBytes('Name:\tzombie\n')).toBe(0);
  });

  it('reads the open-file limits', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\n';
    expect(parseNofileLimits(limits)).toEqual({ soft: 1024, hard: 20000 });
  });

  it('counts machine-wide busy time without idle and iowait', () => {
    expect(parseSystemBusyUs('cpu  100 0 50 1000 30 0 0 0 0 0\ncpu0 1 2 3\n')).toBe(1_500_000);
  });

  it('samples this very process', () => {
    const s = sampleProc(process.pid);
    expect(s?.rssBytes).toBeGreaterThan(0);
    expect(s?.cpuUs).toBeGreaterThanOrEqual(0);
  });
});
