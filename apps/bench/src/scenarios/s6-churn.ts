import { nowUs } from '../load/body';
import type { ChurnConfirm, ChurnResult, TargetKind } from '../load/ipc';
import { summarizeEncoded } from '../stats/histogram';
import { fmtErrors, r1, roomsOf, withSession } from './harness';
import { labelOf, table, targetsFor, type Scenario, headline } from './scenario';

const CONFIRMS: Record<TargetKind, Array<{ confirm: ChurnConfirm; note: string }>> = {
  chatter: [
    { confirm: 'replay', note: 'confirmed by the first replayed event (since: cursor one behind)' },
    { confirm: 'pong', note: 'pong after subscribe (as B1)' },
  ],
  b0: [{ confirm: 'joined', note: 'confirmed by the join acknowledgement' }],
  b1: [
    {
      confirm: 'pong',
      note: 'pong after subscribe: graphql-ws does not acknowledge subscriptions',
    },
  ],
};

/** Scenario 6: connects + authenticated subscribes per second, closed loop. */
export const churn: Scenario = {
  id: 6,
  name: 'Subscribe churn',
  description:
    'Closed-loop clients repeatedly open a WebSocket, authenticate with a JWT, subscribe, wait for the confirmation the protocol allows, and close. Reported: completed cycles per second, cycle latency and server CPU per cycle.',
  async run(opts, result) {
    const users = opts.smoke ? 40 : Math.max(100, Math.round(1000 * opts.scale));
    const concurrency = opts.smoke ? 8 : 64;
    const durationS = opts.durationS;
    const t = table([
      { key: 'confirm', label: 'confirmation' },
      { key: 'rate', label: 'cycles/s' },
      { key: 'p50', label: 'p50 ms' },
      { key: 'p99', label: 'p99 ms' },
      { key: 'failures', label: 'failures' },
      { key: 'serverCpu', label: 'server CPU %' },
      { key: 'cpuPerCycle', label: 'server CPU µs/cycle' },
      { key: 'loadCpu', label: 'load-gen CPU %' },
      { key: 'loadCpuPerCycle', label: 'load-gen CPU µs/cycle' },
    ]);
    result.tables.push(t);
    for (const kind of targetsFor(opts, result)) {
      const label = labelOf(kind);
      try {
        await withSession(kind, opts, async (s) => {
          const rooms = roomsOf(Math.ceil(users / 10), 10, 300_000);
          const keys = await s.target.createRooms(
            rooms.map((members) => ({ members })),
            'churn',
          );
          const cursors: Record<string, number> = {};
          if (kind === 'chatter') {
            for (const [r, key] of keys.entries())
              cursors[key] =
                (await s.target.sendAs((rooms[r] as number[])[0] as number, key, 'churn fixture')) -
                1;
          }
          const specs = await Promise.all(
            rooms.flatMap((members, r) => members.map((u) => s.spec(u, [keys[r] as string]))),
          );
          const parts = s.pool.split(specs);
          for (const { confirm, note } of CONFIRMS[kind]) {
            const cpu0 = s.target.primary.sample()?.cpuUs ?? 0;
            // The load generator's workers too: when they saturate, the rate is theirs, not the server's.
            const load0 = (await s.counters()).cpuUs;
            const w0 = nowUs();
            const res = await Promise.all(
              parts.map((conns, w) =>
                s.pool.request<ChurnResult>(w, {
                  op: 'churn',
                  req: {
                    durationMs: durationS * 1000,
                    concurrency: Math.max(1, Math.round(concurrency / s.pool.size)),
                    conns,
                    confirm,
                    cursors,
                  },
                }),
              ),
            );
            const cpuUs = (s.target.primary.sample()?.cpuUs ?? 0) - cpu0;
            const wallS = (nowUs() - w0) / 1e6;
            const loadUs = (await s.counters()).cpuUs - load0;
            const cycles = res.reduce((a, r) => a + r.cycles, 0);
            const failures = res.reduce((a, r) => a + r.failures, 0);
            const errors: Record<string, number> = {};
            for (const r of res)
              for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
            const lat = summarizeEncoded(res.map((r) => r.hist));
            if (failures)
              result.failures.push(
                `${label} (${confirm}): ${failures} failed cycles (${fmtErrors(errors)})`,
              );
            if (cycles === 0) result.failures.push(`${label} (${confirm}): no cycle completed`);
            headline(
              result,
              `Connect + authenticated subscribe cycles/s (${confirm})`,
              label,
              r1(cycles / wallS),
            );
            t.rows.push({
              target: label,
              values: {
                confirm: note,
                rate: r1(cycles / wallS),
                p50: lat.p50,
                p99: lat.p99,
                failures,
                serverCpu: r1((cpuUs / (wallS * 1e6)) * 100),
                cpuPerCycle: cycles ? Math.round(cpuUs / cycles) : null,
                loadCpu: r1((loadUs / (wallS * 1e6)) * 100),
                loadCpuPerCycle: cycles ? Math.round(loadUs / cycles) : null,
              },
            });
          }
        });
      } catch (e) {
        result.failures.push(`${label}: ${(e as Error).message}`);
      }
    }
  },
};
