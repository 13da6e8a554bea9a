import { describe, expect, it } from 'vitest';
import { formatCell, renderHeadline, renderMarkdown, renderTable } from './markdown';
import type { BenchReport } from './results';
import { logTicks, renderLatencyChart } from './svg-chart';

const report: BenchReport = {
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:01:00.000Z',
  mode: 'full',
  command: 'npm run bench',
  machine: { cpus: 2, memGiB: 24, node: 'v20', pinning: 'servers on CPU 0', fdLimit: 20000 },
  scenarios: [
    {
      id: 2,
      name: 'End to end',
      description: 'desc',
      tables: [
        {
          columns: [
            { key: 'p99', label: 'p99 ms' },
            { key: 'lost', label: 'lost' },
          ],
          rows: [
            { target: 'B0 raw ws', values: { p99: 4.5, lost: 0 } },
            { target: 'Chatter', values: { p99: null, lost: 12345 } },
          ],
        },
      ],
      notes: ['a note'],
      failures: ['Chatter: lost 3'],
      skipped: ['B1: reason'],
    },
  ],
};

describe('report rendering', () => {
  it('renders one Markdown row per target with right-aligned figures', () => {
    const md = renderTable(report.scenarios[0]!.tables[0]!);
    expect(md.split('\n')).toEqual([
      '| target | p99 ms | lost |',
      '| --- | ---: | ---: |',
      '| B0 raw ws | 4.5 | 0 |',
      '| Chatter | — | 12,345 |',
    ]);
  });

  it('formats cells: dashes for missing values, escaped pipes', () => {
    expect(formatCell(null)).toBe('—');
    expect(formatCell(Number.NaN)).toBe('—');
    expect(formatCell('a|b')).toBe('a\\|b');
  });

  it('puts notes, skips and failures under their scenario', () => {
    const md = renderMarkdown(report, 'latest.svg');
    expect(md).toContain('## 2. End to end');
    expect(md).toContain('- Skipped: B1: reason');
    expect(md).toContain('- **FAILED:** Chatter: lost 3');
    expect(md).toContain('npm run bench');
  });

  it('draws an SVG with a line per target and the 50 ms target', () => {
    const svg = renderLatencyChart([
      {
        panel: '20 rooms of 100',
        target: 'Chatter',
        points: [
          { x: 2000, p50: 2, p99: 10 },
          { x: 8000, p50: 5, p99: 60 },
        ],
      },
      {
        panel: '20 rooms of 100',
        target: 'B1 Nest+Apollo',
        points: [{ x: 1000, p50: 20, p99: 300 }],
      },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg).toContain('p99 target 50 ms');
    expect(svg).toContain('B1 Nest+Apollo');
  });

  it('summarizes headline figures with one column per target', () => {
    const md = renderHeadline([
      {
        ...report.scenarios[0]!,
        headline: [
          { metric: 'p99 ms', target: 'Chatter', value: 12 },
          { metric: 'p99 ms', target: 'B0 raw ws', value: 3 },
          { metric: 'lost', target: 'B0 raw ws', value: 0 },
        ],
      },
    ]);
    expect(md?.split('\n').slice(2)).toEqual([
      '| figure | Chatter | B0 raw ws |',
      '| --- | ---: | ---: |',
      '| 2. p99 ms | 12 | 3 |',
      '| 2. lost | — | 0 |',
    ]);
    expect(renderHeadline(report.scenarios)).toBeUndefined();
  });

  it('ticks log axes at 1-2-5 steps', () => {
    expect(logTicks(10, 1000)).toEqual([10, 20, 50, 100, 200, 500, 1000]);
  });
});
