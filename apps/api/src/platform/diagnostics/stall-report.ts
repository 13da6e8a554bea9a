import type { StallFigures, StallReport } from './stall-sampler';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** One stretch's figures as Markdown sections under headings of `level`. */
function figures(
  f: StallFigures,
  level: string,
  loopDelayLabel: string,
  preamble: string[] = [],
): string[] {
  const marked = f.longest.some((s) => s.inWindow !== undefined);
  return [
    `- stalls: ${f.stalls}, ${f.stalledMs} ms in all; duration p50 ${f.stallMs.p50} ms, p99 ${f.stallMs.p99} ms, max ${f.stallMs.max} ms`,
    `- ${loopDelayLabel}: p50 ${f.loopDelayMs.p50} ms, p99 ${f.loopDelayMs.p99} ms, max ${f.loopDelayMs.max} ms`,
    ...preamble,
    '',
    `${level} Sampled time inside stalls, by cause`,
    '',
    '| cause | ms | share |',
    '| --- | ---: | ---: |',
    ...f.causes.map((c) => `| ${cell(c.cause)} | ${c.ms} | ${c.share}% |`),
    '',
    `${level} Chatter's innermost frames inside stalls`,
    '',
    '| frame | ms |',
    '| --- | ---: |',
    ...f.ownFrames.map((o) => `| ${cell(o.frame)} | ${o.ms} |`),
    '',
    `${level} Innermost frames inside stalls`,
    '',
    '| frame | ms |',
    '| --- | ---: |',
    ...f.leafFrames.map((o) => `| ${cell(o.frame)} | ${o.ms} |`),
    '',
    `${level} Longest stalls`,
    '',
    marked
      ? '| at (s) | ms | in window | causes | own frames |'
      : '| at (s) | ms | causes | own frames |',
    marked ? '| ---: | ---: | --- | --- | --- |' : '| ---: | ---: | --- | --- |',
    ...f.longest.map(
      (s) =>
        `| ${(s.atMs / 1000).toFixed(1)} | ${s.durationMs} |${
          marked ? ` ${s.inWindow ? 'yes' : 'no'} |` : ''
        } ${cell(s.causes.map((c) => `${c.cause} ${c.ms}`).join('; '))} | ${cell(
          s.ownFrames.map((o) => `${o.frame} ${o.ms}`).join('; '),
        )} |`,
    ),
    '',
  ];
}

/**
 * The report as Markdown: totals, causes, Chatter's own frames, the longest stalls. Once measured
 * windows were marked (SIGUSR2), the figures inside them come first and the whole process's after.
 */
export function renderStallReport(r: StallReport, title = 'Event-loop stalls'): string {
  const head = [
    `# ${title}`,
    '',
    `Observed ${(r.observedMs / 1000).toFixed(1)} s; a stall is a turn of the loop over ${r.thresholdMs} ms ` +
      `(CPU sampled every ${r.samplingIntervalUs} µs).`,
    '',
  ];
  const leftOut = `- left out: ${r.excludedSamplerStalls} stalls caused by the sampler's own profile hand-off`;
  const w = r.inWindow;
  if (!w) return [...head, ...figures(r, '##', 'loop delay over the run', [leftOut])].join('\n');
  return [
    ...head,
    `## In the measured window${w.windows === 1 ? '' : 's'} (${w.windows} marked by SIGUSR2, ${(w.measuredMs / 1000).toFixed(1)} s)`,
    '',
    ...(w.openAtStop ? ['The last window was still open at shutdown: it ends there.', ''] : []),
    ...figures(w, '###', `loop delay inside the window${w.windows === 1 ? '' : 's'}`),
    '## Whole process (set-up, measured windows and teardown)',
    '',
    ...figures(r, '###', 'loop delay over the run', [leftOut]),
  ].join('\n');
}
