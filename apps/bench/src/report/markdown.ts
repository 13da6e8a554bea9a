import type { BenchReport, CellValue, ResultTable, ScenarioResult } from './results';

export function formatCell(v: CellValue | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '—';
    if (Number.isInteger(v) && Math.abs(v) >= 10000) return v.toLocaleString('en-US');
    return String(v);
  }
  return v.replace(/\|/g, '\\|');
}

export function renderTable(t: ResultTable): string {
  const head = ['target', ...t.columns.map((c) => c.label)];
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const row of t.rows)
    lines.push(
      `| ${[formatCell(row.target), ...t.columns.map((c) => formatCell(row.values[c.key]))].join(' | ')} |`,
    );
  return (t.title ? `**${t.title}**\n\n` : '') + lines.join('\n');
}

function renderScenario(s: ScenarioResult, chartFile?: string): string {
  const parts = [`## ${s.id}. ${s.name}`, s.description];
  for (const t of s.tables) if (t.rows.length > 0) parts.push(renderTable(t));
  if (s.series && s.series.length > 0 && chartFile)
    parts.push(`![p99 latency against delivered load](${chartFile})`);
  if (s.skipped.length) parts.push(s.skipped.map((x) => `- Skipped: ${x}`).join('\n'));
  if (s.notes.length) parts.push(s.notes.map((x) => `- ${x}`).join('\n'));
  if (s.failures.length) parts.push(s.failures.map((x) => `- **FAILED:** ${x}`).join('\n'));
  return parts.join('\n\n');
}

/** Metrics as rows, targets as columns, in the order they were reported. */
export function renderHeadline(scenarios: readonly ScenarioResult[]): string | undefined {
  const entries = scenarios.flatMap((s) =>
    (s.headline ?? []).map((h) => ({ ...h, metric: `${s.id}. ${h.metric}` })),
  );
  if (entries.length === 0) return undefined;
  const targets = [...new Set(entries.map((e) => e.target))];
  const metrics = [...new Set(entries.map((e) => e.metric))];
  const lines = [
    `| figure | ${targets.join(' | ')} |`,
    `| --- | ${targets.map(() => '---:').join(' | ')} |`,
  ];
  for (const m of metrics) {
    const cells = targets.map((t) =>
      formatCell(entries.find((e) => e.metric === m && e.target === t)?.value),
    );
    lines.push(`| ${formatCell(m)} | ${cells.join(' | ')} |`);
  }
  return `## Summary\n\n${lines.join('\n')}`;
}

export function renderMarkdown(r: BenchReport, chartFile?: string): string {
  const m = r.machine;
  const header = [
    `# Chatter benchmarks (${r.mode === 'smoke' ? 'smoke run — tiny scale, not figures to quote' : 'full run'})`,
    `Run ${r.startedAt} → ${r.finishedAt} with \`${r.command}\`. Machine: ${m.cpus} CPUs, ${m.memGiB} GiB, Node ${m.node}, open-file limit ${m.fdLimit}; ${m.pinning}.`,
    'Latency is measured from each message’s *scheduled* send time (open-loop load), so queueing in the server or the client is never hidden. ' +
      'Targets: **Chatter** (this project), **B0** (raw `ws`, in-memory rooms, one serialization per event — the ceiling of a Node WebSocket server here) and ' +
      '**B1** (NestJS + Apollo + graphql-ws with one global PubSub topic and a roomId filter, as the NestJS docs teach). A delivery is one event reaching one recipient; ' +
      'loss and duplicates are counted per recipient by (conversation, seq) for Chatter and by (room, publisher seq) for the baselines.',
  ];
  const headline = renderHeadline(r.scenarios);
  return (
    [
      ...header,
      ...(headline ? [headline] : []),
      ...r.scenarios.map((s) => renderScenario(s, chartFile)),
    ].join('\n\n') + '\n'
  );
}
