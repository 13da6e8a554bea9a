import type { StallReport } from './stall-sampler';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The report as Markdown: totals, causes, Chatter's own frames, the longest stalls. */
export function renderStallReport(r: StallReport, title = 'Event-loop stalls'): string {
  const lines = [
    `# ${title}`,
    '',
    `Observed ${(r.observedMs / 1000).toFixed(1)} s; a stall is a turn of the loop over ${r.thresholdMs} ms ` +
      `(CPU sampled every ${r.samplingIntervalUs} µs).`,
    '',
    `- stalls: ${r.stalls}, ${r.stalledMs} ms in all; duration p50 ${r.stallMs.p50} ms, p99 ${r.stallMs.p99} ms, max ${r.stallMs.max} ms`,
    `- loop delay over the run: p50 ${r.loopDelayMs.p50} ms, p99 ${r.loopDelayMs.p99} ms, max ${r.loopDelayMs.max} ms`,
    `- left out: ${r.excludedSamplerStalls} stalls caused by the sampler's own profile hand-off`,
    '',
    '## Sampled time inside stalls, by cause',
    '',
    '| cause | ms | share |',
    '| --- | ---: | ---: |',
    ...r.causes.map((c) => `| ${cell(c.cause)} | ${c.ms} | ${c.share}% |`),
    '',
    "## Chatter's innermost frames inside stalls",
    '',
    '| frame | ms |',
    '| --- | ---: |',
    ...r.ownFrames.map((f) => `| ${cell(f.frame)} | ${f.ms} |`),
    '',
    '## Innermost frames inside stalls',
    '',
    '| frame | ms |',
    '| --- | ---: |',
    ...r.leafFrames.map((f) => `| ${cell(f.frame)} | ${f.ms} |`),
    '',
    '## Longest stalls',
    '',
    '| at (s) | ms | causes | own frames |',
    '| ---: | ---: | --- | --- |',
    ...r.longest.map(
      (s) =>
        `| ${(s.atMs / 1000).toFixed(1)} | ${s.durationMs} | ${cell(
          s.causes.map((c) => `${c.cause} ${c.ms}`).join('; '),
        )} | ${cell(s.ownFrames.map((f) => `${f.frame} ${f.ms}`).join('; '))} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
