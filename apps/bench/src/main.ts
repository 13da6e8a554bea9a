import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuSplit, parseArgs, USAGE } from './config/args';
import { renderMarkdown } from './report/markdown';
import type { BenchReport, ScenarioResult } from './report/results';
import { renderLatencyChart } from './report/svg-chart';
import { prestartSessions, stopCachedSessions, type BenchOptions } from './scenarios/harness';
import { emptyResult, type Scenario } from './scenarios/scenario';
import { SCENARIOS } from './scenarios';
import { nofileLimits } from './stats/proc';
import { chatterAvailable, snapshotChatter } from './servers/targets';
import { TokenFactory } from './servers/tokens';

const SMOKE_BUDGET_MS = 300_000;

/** The bench runner: runs the chosen scenarios against each target and writes the report. */
export async function main(argv: readonly string[]): Promise<number> {
  let cli;
  try {
    cli = parseArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  const root = process.env.BENCH_ROOT ?? path.resolve(__dirname, '../../..');
  const split = existsSync('/usr/bin/taskset') ? cpuSplit(os.cpus().length) : undefined;
  // The runner lives with the load generator, away from the server's cores.
  if (split) spawnSync('taskset', ['-pc', split.load, String(process.pid)], { stdio: 'ignore' });
  const fdLimit = nofileLimits()?.soft ?? 1024;
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'chatter-bench-logs-'));
  const opts: BenchOptions = {
    smoke: cli.smoke,
    scale: cli.scale,
    // Smoke steps are short unless --duration says otherwise.
    durationS: cli.smoke && !argv.some((a) => a.startsWith('--duration')) ? 0.5 : cli.durationS,
    workers: cli.workers,
    targets: cli.targets,
    scenarios: cli.scenarios,
    outDir: path.resolve(root, cli.outDir),
    root,
    logDir,
    serverCpus: split?.server,
    loadCpus: split?.load,
    tokens: new TokenFactory(randomBytes(24).toString('hex')),
    fdLimit,
    chatterAvailable: chatterAvailable(root),
  };
  const command = `npm run bench --${argv.length ? ` ${argv.join(' ')}` : ''}`;
  console.log(
    `[bench] ${cli.smoke ? 'smoke' : 'full'} run; scenarios ${cli.scenarios.join(',')}; targets ${cli.targets.join(',')}; logs in ${logDir}`,
  );
  if (!opts.chatterAvailable && cli.targets.includes('chatter'))
    console.warn(
      '[bench] WARNING: dist/api/main.js not found: Chatter is skipped (run `npm run build`).',
    );
  if (fdLimit < 20000)
    console.warn(
      `[bench] open-file limit is ${fdLimit}: capacity figures are bounded by it (raise with \`ulimit -n\`).`,
    );

  const watchdog = cli.smoke
    ? setTimeout(() => {
        console.error(`[bench] smoke run exceeded ${SMOKE_BUDGET_MS / 1000}s; aborting`);
        process.exit(1);
      }, SMOKE_BUDGET_MS)
    : undefined;
  watchdog?.unref();

  const snapshot =
    opts.chatterAvailable && cli.targets.includes('chatter')
      ? await snapshotChatter(root)
      : undefined;
  if (snapshot) opts.chatterEntry = snapshot.entry;
  else if (opts.chatterAvailable && cli.targets.includes('chatter'))
    console.warn('[bench] could not snapshot a stable dist/api; running it in place');

  const startedAt = new Date().toISOString();
  // Scenario 4 starts its own clusters; the others share one server per target in smoke runs.
  if (cli.smoke && cli.scenarios.some((id) => id !== 4)) await prestartSessions(opts);
  const results: ScenarioResult[] = [];
  for (const id of cli.scenarios) {
    const scenario = SCENARIOS.find((s) => s.id === id) as Scenario;
    const result = emptyResult(scenario);
    const t = Date.now();
    console.log(`[bench] scenario ${id}: ${scenario.name}…`);
    try {
      await scenario.run(opts, result);
    } catch (e) {
      result.failures.push(`did not run: ${(e as Error).stack ?? String(e)}`.slice(0, 1500));
    }
    results.push(result);
    console.log(`[bench] scenario ${id} done in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    console.log(
      renderMarkdown({ ...reportOf(results.slice(-1)), mode: cli.smoke ? 'smoke' : 'full' })
        .split('\n')
        .slice(4)
        .join('\n'),
    );
  }
  await stopCachedSessions();
  snapshot?.dispose();
  const report: BenchReport = {
    ...reportOf(results),
    startedAt,
    mode: cli.smoke ? 'smoke' : 'full',
    command,
    machine: {
      cpus: os.cpus().length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      pinning: split
        ? `servers pinned to CPU ${split.server}, load generator to CPU ${split.load} (taskset)`
        : 'no CPU pinning',
      fdLimit,
    },
  };
  mkdirSync(opts.outDir, { recursive: true });
  const base = cli.smoke ? 'smoke' : 'latest';
  const series = results.flatMap((r) => r.series ?? []);
  const chartFile = `${base}.svg`;
  if (series.length > 0)
    writeFileSync(path.join(opts.outDir, chartFile), renderLatencyChart(series));
  writeFileSync(
    path.join(opts.outDir, `${base}.md`),
    renderMarkdown(report, series.length > 0 ? chartFile : undefined),
  );
  writeFileSync(path.join(opts.outDir, `${base}.json`), JSON.stringify(report, null, 2) + '\n');
  console.log(
    `[bench] wrote ${path.relative(root, path.join(opts.outDir, base))}.{md,json${series.length ? ',svg' : ''}}`,
  );

  const failures = results.flatMap((r) => r.failures.map((f) => `scenario ${r.id}: ${f}`));
  if (failures.length)
    console.error(`[bench] ${failures.length} failure(s):\n  ${failures.join('\n  ')}`);
  const didNotRun = results.some((r) => r.failures.some((f) => f.startsWith('did not run')));
  return failures.length > 0 && (cli.smoke || didNotRun) ? 1 : 0;
}

function reportOf(scenarios: ScenarioResult[]): BenchReport {
  const now = new Date().toISOString();
  return {
    startedAt: now,
    finishedAt: now,
    mode: 'full',
    command: '',
    machine: { cpus: 0, memGiB: 0, node: '', pinning: '', fdLimit: 0 },
    scenarios,
  };
}
