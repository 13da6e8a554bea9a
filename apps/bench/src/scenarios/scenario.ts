import type { TargetKind } from '../load/ipc';
import type { CellValue, ResultTable, ScenarioResult } from '../report/results';
import { TARGET_LABELS } from '../servers/targets';
import { fmtErrors, r1, r2, type BenchOptions, type PhaseResult } from './harness';

export interface Scenario {
  id: number;
  name: string;
  description: string;
  /** Chatter-only scenarios skip the baselines. */
  chatterOnly?: boolean;
  run(opts: BenchOptions, result: ScenarioResult): Promise<void>;
}

export function emptyResult(s: Scenario): ScenarioResult {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    tables: [],
    notes: [],
    failures: [],
    skipped: [],
  };
}

/** Targets to run, with Chatter skipped (and said so) when it is not built. */
export function targetsFor(
  opts: BenchOptions,
  result: ScenarioResult,
  chatterOnly = false,
): TargetKind[] {
  const out: TargetKind[] = [];
  for (const t of opts.targets) {
    if (chatterOnly && t !== 'chatter') continue;
    if (t === 'chatter' && !opts.chatterAvailable) {
      result.skipped.push('Chatter: dist/api/main.js not found (run `npm run build`)');
      continue;
    }
    out.push(t);
  }
  return out;
}

export const LATENCY_COLUMNS = [
  { key: 'p50', label: 'p50 ms' },
  { key: 'p90', label: 'p90 ms' },
  { key: 'p99', label: 'p99 ms' },
  { key: 'p999', label: 'p99.9 ms' },
  { key: 'max', label: 'max ms' },
];

export const DELIVERY_COLUMNS = [
  { key: 'msgs', label: 'msgs/s' },
  { key: 'deliveries', label: 'deliveries/s' },
  ...LATENCY_COLUMNS,
  { key: 'lost', label: 'lost' },
  { key: 'dups', label: 'dups' },
  { key: 'sendErrors', label: 'send errors' },
  { key: 'serverCpu', label: 'server CPU %' },
  { key: 'clientCpu', label: 'load-gen CPU %' },
  { key: 'sendLagP99', label: 'send lag p99 ms' },
];

export function phaseCells(p: PhaseResult): Record<string, CellValue> {
  return {
    msgs: r1(p.messagesPerSec),
    deliveries: Math.round(p.deliveriesPerSec),
    p50: p.latency.p50,
    p90: p.latency.p90,
    p99: p.latency.p99,
    p999: p.latency.p999,
    max: p.latency.max,
    lost: p.lost,
    dups: p.dups,
    sendErrors: p.sendErrors,
    serverCpu: r1(p.serverCpuPct),
    clientCpu: r1(p.clientCpuPct),
    sendLagP99: p.latency.count ? p.sendLag.p99 : null,
  };
}

/** Flags what would make the numbers lie or a smoke run fail. */
export function checkPhase(
  label: string,
  what: string,
  p: PhaseResult,
  result: ScenarioResult,
  opts: { smoke: boolean },
): void {
  // Duplicates are always a defect. Loss and refused sends are a defect at smoke scale or in
  // Chatter (which promises both); a baseline that falls over under full load is a finding.
  const strict = opts.smoke || label.startsWith('Chatter');
  const report = (msg: string): void =>
    void (strict ? result.failures.push(msg) : result.notes.push(`Overloaded: ${msg}`));
  if (p.lost > 0) report(`${label} ${what}: lost ${p.lost} of ${p.expected} deliveries`);
  if (p.dups > 0) result.failures.push(`${label} ${what}: ${p.dups} duplicate deliveries`);
  if (p.sendErrors > 0)
    report(`${label} ${what}: ${p.sendErrors} send errors (${fmtErrors(p.errors)})`);
  if (p.reordered > 0)
    result.notes.push(`${label} ${what}: ${p.reordered} deliveries arrived out of seq order`);
  if (p.clientCpuPct > 90)
    result.notes.push(
      `${label} ${what}: load generator at ${r2(p.clientCpuPct)}% CPU — figures are a lower bound of the server's capacity`,
    );
  if (p.otherCpuPct > 25)
    result.notes.push(
      `${label} ${what}: other processes on the machine used ${r1(p.otherCpuPct)}% of a core meanwhile — figures disturbed`,
    );
  if (p.sendLag.p99 > 20)
    result.notes.push(
      `${label} ${what}: the load generator sent late (send-lag p99 ${p.sendLag.p99} ms, counted in latency)`,
    );
}

export function table(columns: ResultTable['columns'], title?: string): ResultTable {
  return { title, columns, rows: [] };
}

export function labelOf(kind: TargetKind): string {
  return TARGET_LABELS[kind];
}

/** One run of a scenario: a target, and for Chatter whether its senders send on their socket. */
export interface SendRun {
  kind: TargetKind;
  label: string;
  onSocket: boolean;
}

/**
 * The runs of a scenario that sends messages: Chatter twice (over HTTP, as bots and server-side
 * integrations send, then on each sender's own graphql-ws socket, as the SDK and the web app do
 * while connected), every other target once (they send on their socket).
 */
export function sendRuns(kinds: TargetKind[]): SendRun[] {
  return kinds.flatMap((kind): SendRun[] =>
    kind === 'chatter'
      ? [
          { kind, label: labelOf(kind), onSocket: false },
          { kind, label: `${labelOf(kind)} (sends on its socket)`, onSocket: true },
        ]
      : [{ kind, label: labelOf(kind), onSocket: false }],
  );
}

/** Keeps the full figures of a step (every percentile, send lag, CPU) for latest.json. */
export function addRaw(result: ScenarioResult, entry: Record<string, unknown>): void {
  const raw = (result.raw ??= []) as unknown[];
  raw.push(entry);
}

export function headline(
  result: ScenarioResult,
  metric: string,
  target: string,
  value: CellValue,
): void {
  (result.headline ??= []).push({ metric, target, value });
}
