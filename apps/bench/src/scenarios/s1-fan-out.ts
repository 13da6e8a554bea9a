import type { ChartSeries } from '../report/results';
import { r1, roomsOf, withSession, type PhaseResult, type Session } from './harness';
import {
  addRaw,
  checkPhase,
  sendRuns,
  table,
  targetsFor,
  type Scenario,
  headline,
} from './scenario';

const P99_TARGET_MS = 50;

interface Shape {
  rooms: number;
  size: number;
}

/** Why a ramp step does not count as sustained, or undefined when it does. */
export function stepVerdict(
  p: Pick<PhaseResult, 'latency' | 'lost' | 'dups' | 'sendErrors' | 'drained'>,
  p99TargetMs = P99_TARGET_MS,
): string | undefined {
  if (p.sendErrors > 0) return `${p.sendErrors} send errors`;
  if (p.lost > 0) return `lost ${p.lost}`;
  if (p.dups > 0) return `${p.dups} duplicates`;
  if (p.latency.p99 > p99TargetMs) return `p99 ${p.latency.p99} ms`;
  return undefined;
}

/**
 * Next rate to try: double while passing; once a rate failed, bisect between the
 * best pass and the lowest failure until they are within 15 %.
 */
export function nextRate(passes: number[], fails: number[], start: number): number | undefined {
  const best = passes.length ? Math.max(...passes) : undefined;
  const worst = fails.length ? Math.min(...fails) : undefined;
  if (best === undefined && worst === undefined) return start;
  if (worst === undefined) return (best as number) * 2;
  if (best === undefined) return worst / 2 >= 0.5 && worst > start / 16 ? worst / 2 : undefined;
  if (worst / best <= 1.15) return undefined;
  return Math.round(Math.sqrt(best * worst));
}

async function ramp(
  s: Session,
  shape: Shape,
  sendOnSocket: boolean,
  opts: { smoke: boolean; durationS: number },
  onStep: (p: PhaseResult, tag?: string) => void,
  onNote: (note: string) => void,
): Promise<{
  steps: PhaseResult[];
  best?: PhaseResult;
  firstFail?: { rate: number; why: string };
}> {
  const rooms = roomsOf(shape.rooms, shape.size);
  const keys = await s.target.createRooms(
    rooms.map((members) => ({ members })),
    `fan-${shape.rooms}x${shape.size}`,
  );
  const specs = await Promise.all(
    rooms.flatMap((members, r) =>
      members.map(async (u) => ({ ...(await s.spec(u, [keys[r] as string])), sendOnSocket })),
    ),
  );
  const opened = await s.open(specs, { concurrency: 200 });
  if (opened.failed)
    throw new Error(`${opened.failed} connections failed: ${JSON.stringify(opened.errors)}`);
  const warm = await s.warmup(keys, rooms);
  // Not fatal: a slow target may miss even the warm-up rate; its steps will say so.
  if (!warm.ok) onNote(warm.detail);
  // Start near 500 deliveries/s whatever the room size, so a slow target can pass a step.
  const start = opts.smoke ? 10 : Math.max(2, Math.round(500 / (shape.size - 1)));
  const maxSteps = opts.smoke ? 2 : 14;
  const steps: PhaseResult[] = [];
  const passes: number[] = [];
  const fails: number[] = [];
  let firstFail: { rate: number; why: string } | undefined;
  for (let i = 0; i < maxSteps; i++) {
    const rate = opts.smoke ? start * (i + 1) : nextRate(passes, fails, start);
    if (rate === undefined) break;
    if (!(await s.settle())) onNote(`the server was still busy before the ${rate} msgs/s step`);
    const spec = {
      roomKeys: keys,
      senders: rooms,
      rate,
      total: Math.max(1, Math.round(rate * opts.durationS)),
      maxDrainMs: 20_000,
      stallMs: 5000,
    };
    let p = await s.phase(spec);
    // A p99 miss alone may be one scheduling hiccup from another process: confirm it once.
    if (!opts.smoke && stepVerdict(p)?.startsWith('p99') && p.lost === 0) {
      steps.push(p);
      onStep(p, 'retried');
      await s.settle();
      p = await s.phase(spec);
    }
    steps.push(p);
    onStep(p);
    const why = stepVerdict(p);
    if (why) {
      fails.push(rate);
      if (!firstFail || rate < firstFail.rate) firstFail = { rate, why };
    } else passes.push(rate);
    if (!s.target.alive) break;
  }
  const best = steps
    .filter((p) => !stepVerdict(p))
    .sort((a, b) => b.deliveriesPerSec - a.deliveriesPerSec)[0];
  return { steps, best, firstFail };
}

/** Scenario 1: fan-out capacity — the highest delivered rate with p99 ≤ 50 ms. */
export const fanOut: Scenario = {
  id: 1,
  name: 'Fan-out',
  description: `Every member of every room holds a subscription; messages go round-robin to the rooms at an open-loop rate that starts near 500 deliveries/s and doubles, then bisects (or halves when even the first step fails), with the server left to go idle between steps, until p99 exceeds ${P99_TARGET_MS} ms or anything is lost. Reported: the highest delivered events/s (one event to one recipient) that kept p99 ≤ ${P99_TARGET_MS} ms with nothing lost. Chatter runs twice: senders send over HTTP, then as graphql-ws operations on their own socket (as Chatter's SDK and web app do while connected; the baselines send on their socket too).`,
  async run(opts, result) {
    const shapes: Shape[] = opts.smoke
      ? [
          { rooms: 2, size: 5 },
          { rooms: 4, size: 3 },
        ]
      : [
          { rooms: Math.max(2, Math.round(20 * opts.scale)), size: 100 },
          { rooms: Math.max(2, Math.round(1000 * opts.scale)), size: 10 },
        ];
    const series: ChartSeries[] = [];
    result.series = series;
    const steps = table(
      [
        { key: 'shape', label: 'rooms × members' },
        { key: 'rate', label: 'msgs/s offered' },
        { key: 'deliveries', label: 'deliveries/s' },
        { key: 'p50', label: 'p50 ms' },
        { key: 'p99', label: 'p99 ms' },
        { key: 'p999', label: 'p99.9 ms' },
        { key: 'max', label: 'max ms' },
        { key: 'lost', label: 'lost' },
        { key: 'serverCpu', label: 'server CPU %' },
        { key: 'clientCpu', label: 'load-gen CPU %' },
        { key: 'verdict', label: 'verdict' },
      ],
      'Every ramp step',
    );
    const summary = table(
      [
        { key: 'shape', label: 'rooms × members' },
        { key: 'subs', label: 'subscribers' },
        { key: 'best', label: `max deliveries/s at p99 ≤ ${P99_TARGET_MS} ms` },
        { key: 'bestMsgs', label: 'msgs/s' },
        { key: 'p50', label: 'p50 ms' },
        { key: 'p99', label: 'p99 ms' },
        { key: 'limit', label: 'next step failed on' },
      ],
      `Highest sustained delivery rate (p99 ≤ ${P99_TARGET_MS} ms, nothing lost)`,
    );
    result.tables.push(summary, steps);
    for (const shape of shapes) {
      const shapeLabel = `${shape.rooms} × ${shape.size}`;
      const panel = `${shape.rooms * shape.size} subscribers in ${shape.rooms} rooms of ${shape.size}`;
      const runs = sendRuns(targetsFor(opts, result));
      for (const { kind, label, onSocket } of runs) {
        const points: ChartSeries['points'] = [];
        series.push({ panel, target: label, points });
        try {
          await withSession(kind, opts, async (s) => {
            const note = (n: string): void =>
              void result.notes.push(`${label} ${shapeLabel}: ${n}`);
            const r = await ramp(
              s,
              shape,
              onSocket,
              opts,
              (p, tag) => {
                points.push({ x: p.deliveriesPerSec, p50: p.latency.p50, p99: p.latency.p99 });
                addRaw(result, { target: label, shape: shapeLabel, step: p });
                steps.rows.push({
                  target: label,
                  values: {
                    shape: shapeLabel,
                    rate: r1(p.rate),
                    deliveries: Math.round(p.deliveriesPerSec),
                    p50: p.latency.p50,
                    p99: p.latency.p99,
                    p999: p.latency.p999,
                    max: p.latency.max,
                    lost: p.lost,
                    serverCpu: r1(p.serverCpuPct),
                    clientCpu: r1(p.clientCpuPct),
                    verdict: `${stepVerdict(p) ?? 'ok'}${tag ? ` (${tag})` : ''}`,
                  },
                });
                // In smoke runs the rates are tiny: any loss is a defect, not overload.
                if (opts.smoke)
                  checkPhase(label, `fan-out ${shapeLabel} @${p.rate}/s`, p, result, opts);
                else if (p.dups > 0)
                  result.failures.push(
                    `${label} fan-out ${shapeLabel} @${p.rate}/s: ${p.dups} duplicates`,
                  );
              },
              note,
            );
            headline(
              result,
              `Fan-out ${shapeLabel}: max deliveries/s with p99 ≤ ${P99_TARGET_MS} ms`,
              label,
              r.best ? Math.round(r.best.deliveriesPerSec) : 'none',
            );
            summary.rows.push({
              target: label,
              values: {
                shape: shapeLabel,
                subs: shape.rooms * shape.size,
                best: r.best ? Math.round(r.best.deliveriesPerSec) : null,
                bestMsgs: r.best ? r1(r.best.messagesPerSec) : null,
                p50: r.best?.latency.p50 ?? null,
                p99: r.best?.latency.p99 ?? null,
                limit: r.firstFail
                  ? `${r.firstFail.rate}/s: ${r.firstFail.why}`
                  : opts.smoke
                    ? '—'
                    : 'not reached',
              },
            });
            const bestClient = r.best?.clientCpuPct ?? 0;
            if (bestClient > 85)
              result.notes.push(
                `${label} ${shapeLabel}: the load generator was at ${r1(bestClient)}% CPU at the best step; the server may sustain more than reported.`,
              );
            const disturbed = r.steps.filter((p) => p.otherCpuPct > 25).length;
            if (disturbed)
              result.notes.push(
                `${label} ${shapeLabel}: ${disturbed} step(s) ran while other processes used > 25% of a core.`,
              );
          });
        } catch (e) {
          result.failures.push(`${label} ${shapeLabel}: ${(e as Error).message}`);
        }
      }
    }
  },
};
