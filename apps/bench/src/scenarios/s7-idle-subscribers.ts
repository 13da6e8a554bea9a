import { nowUs } from '../load/body';
import { sleep } from '../servers/server-process';
import { fmtErrors, r1, r2, roomsOf, withSession } from './harness';
import {
  addRaw,
  checkPhase,
  labelOf,
  table,
  targetsFor,
  type Scenario,
  headline,
} from './scenario';

/**
 * CPU per delivered event, net of the idle cost measured just before: flat means
 * routing by topic; growing with idle subscribers means a global filter.
 */
export function netCpuPerDelivery(
  activeCpuUs: number,
  activeS: number,
  idleCpuUs: number,
  idleS: number,
  deliveries: number,
): number | null {
  if (deliveries <= 0 || activeS <= 0) return null;
  const idleRate = idleS > 0 ? idleCpuUs / idleS : 0;
  return Math.max(0, activeCpuUs - idleRate * activeS) / deliveries;
}

/** Scenario 7: CPU per delivered event as uninterested subscribers grow 10× and 100×. */
export const idleSubscribers: Scenario = {
  id: 7,
  name: 'Cost of uninterested subscribers',
  description:
    'One room of 10 subscribers receives messages at a fixed rate from senders that are members but hold no subscription, while 0, then 1,000, then 10,000 other clients stay subscribed to their own rooms (groups of 10) and receive nothing. Reported: server CPU µs per delivered event (net of the idle CPU measured just before); it should stay flat.',
  async run(opts, result) {
    const interested = 10;
    // Chatter allows 30 sends per user per 10 s: 100 senders keep 200 msgs/s at 2/s each.
    const senders = opts.smoke ? 10 : 100;
    const levels = opts.smoke
      ? [0, 20, 100]
      : [0, 1000, 10_000].map((n) => Math.round(n * opts.scale));
    const rate = opts.smoke ? 40 : 200;
    const windowS = opts.smoke ? opts.durationS : Math.max(5, opts.durationS);
    const t = table([
      { key: 'idle', label: 'idle subscribers' },
      { key: 'deliveries', label: 'deliveries' },
      { key: 'gross', label: 'CPU µs/delivery (gross)' },
      { key: 'net', label: 'CPU µs/delivery (net of idle)' },
      { key: 'growth', label: 'net vs 0 idle' },
      { key: 'idleCpu', label: 'idle CPU %' },
      { key: 'p99', label: 'p99 ms' },
      { key: 'lost', label: 'lost' },
    ]);
    result.tables.push(t);
    for (const kind of targetsFor(opts, result)) {
      const label = labelOf(kind);
      try {
        await withSession(kind, opts, async (s) => {
          const base = 400_000;
          const members = Array.from({ length: interested + senders }, (_, i) => base + i);
          const maxIdle = Math.max(...levels);
          const idleRooms = roomsOf(Math.ceil(maxIdle / 10), 10, base + 1000);
          const [hot, ...idleKeys] = await s.target.createRooms(
            [{ members }, ...idleRooms.map((m) => ({ members: m }))],
            'idle',
          );
          const hotKey = hot as string;
          const specs = await Promise.all(
            members.map((u, i) => s.spec(u, [hotKey], i < interested)),
          );
          const opened = await s.open(specs);
          if (opened.failed)
            throw new Error(`${opened.failed} connections failed: ${fmtErrors(opened.errors)}`);
          const senderIdx = members.slice(interested);
          const warm = await s.warmup([hotKey], [senderIdx]);
          if (!warm.ok) throw new Error(warm.detail);
          let connectedRooms = 0;
          let net0: number | null = null;
          for (const level of levels) {
            const wantRooms = Math.ceil(level / 10);
            if (wantRooms > connectedRooms) {
              const newRooms = idleRooms.slice(connectedRooms, wantRooms);
              const newKeys = idleKeys.slice(connectedRooms, wantRooms);
              const idleSpecs = await Promise.all(
                newRooms.flatMap((m, r) => m.map((u) => s.spec(u, [newKeys[r] as string]))),
              );
              const o = await s.open(idleSpecs, { concurrency: 400 });
              if (o.failed)
                throw new Error(`${o.failed} idle connections failed: ${fmtErrors(o.errors)}`);
              const w = await s.warmup(newKeys, newRooms);
              if (!w.ok) throw new Error(`idle rooms ${w.detail}`);
              connectedRooms = wantRooms;
            }
            await sleep(opts.smoke ? 100 : 2000);
            const c0 = s.target.primary.sample()?.cpuUs ?? 0;
            const w0 = nowUs();
            await sleep((opts.smoke ? 0.25 : windowS) * 1000);
            const idleCpuUs = (s.target.primary.sample()?.cpuUs ?? 0) - c0;
            const idleS = (nowUs() - w0) / 1e6;
            const p = await s.phase({
              roomKeys: [hotKey],
              senders: [senderIdx],
              rate,
              total: Math.round(rate * windowS),
            });
            checkPhase(label, `${level} idle`, p, result, opts);
            const net = netCpuPerDelivery(p.serverCpuUs, p.windowS, idleCpuUs, idleS, p.unique);
            if (level === levels[0]) net0 = net;
            addRaw(result, {
              target: label,
              idle: connectedRooms * 10,
              idleCpuUs,
              idleS,
              phase: p,
            });
            if (level === levels[levels.length - 1])
              headline(
                result,
                `CPU µs per delivery, 0 → ${level} idle subscribers`,
                label,
                net !== null && net0 !== null
                  ? `${r1(net0)} → ${r1(net)} (${net0 ? r2(net / net0) : '—'}×)`
                  : null,
              );
            t.rows.push({
              target: label,
              values: {
                idle: connectedRooms * 10,
                deliveries: p.unique,
                gross: p.unique ? r1(p.serverCpuUs / p.unique) : null,
                net: net === null ? null : r1(net),
                growth: net !== null && net0 ? `${r2(net / net0)}×` : null,
                idleCpu: r2((idleCpuUs / (idleS * 1e6)) * 100),
                p99: p.latency.p99,
                lost: p.lost,
              },
            });
          }
        });
      } catch (e) {
        result.failures.push(`${label}: ${(e as Error).message}`);
      }
    }
    result.notes.push(
      'CPU is read from /proc/<pid>/stat in 10 ms ticks; short windows (smoke runs) are coarse.',
    );
  },
};
