import { nowUs } from '../load/body';
import { sleep } from '../servers/server-process';
import { fmtErrors, mb, r1, r2, withSession } from './harness';
import { labelOf, table, targetsFor, type Scenario, headline } from './scenario';

/** Scenario 3: how many idle subscriptions one process holds, and what each costs. */
export const capacity: Scenario = {
  id: 3,
  name: 'Capacity',
  description:
    'Connections each holding one subscription (Chatter `chatEvents`, B0 a joined room, B1 `messageAdded(roomId)`), opened up to the open-file limit of the server process minus a reserve. Chatter creates each user on its first connection, so its figure includes the user records too. Reported: server RSS per connection and event-loop delay p99 while idle.',
  async run(opts, result) {
    const reserve = 300;
    const target = opts.smoke
      ? 100
      : Math.max(100, Math.floor((opts.fdLimit - reserve) * Math.min(1, opts.scale)));
    const idleS = opts.smoke ? 0.5 : Math.max(5, opts.durationS);
    const t = table([
      { key: 'tried', label: 'connections tried' },
      { key: 'opened', label: 'held' },
      { key: 'failed', label: 'failed' },
      { key: 'connectRate', label: 'opened/s' },
      { key: 'rss0', label: 'RSS before MB' },
      { key: 'rss1', label: 'RSS after MB' },
      { key: 'perConn', label: 'KiB per connection' },
      { key: 'eld', label: 'idle event-loop p99 ms' },
      { key: 'idleCpu', label: 'idle CPU %' },
    ]);
    result.tables.push(t);
    result.notes.push(
      `Open-file limit of the bench (inherited by the servers): ${opts.fdLimit}; target ${target} connections.`,
    );
    for (const kind of targetsFor(opts, result)) {
      const label = labelOf(kind);
      try {
        await withSession(kind, opts, async (s) => {
          // Users from a range no other scenario uses: Chatter creates each on first connect.
          const base = 500_000;
          await sleep(opts.smoke ? 200 : 3000);
          const rss0 = s.target.primary.sample()?.rssBytes ?? 0;
          const specs = await Promise.all(
            Array.from({ length: target }, (_, i) =>
              s.spec(base + i, kind === 'chatter' ? [] : [`cap-${i % 1000}`]),
            ),
          );
          const opened = await s.open(specs, { concurrency: 400 });
          await sleep(opts.smoke ? 300 : 3000);
          const rss1 = s.target.primary.sample()?.rssBytes ?? 0;
          await s.target.eventLoopP99(); // resets the window
          const cpu0 = s.target.primary.sample()?.cpuUs ?? 0;
          const w0 = nowUs();
          await sleep(idleS * 1000);
          const eld = await s.target.eventLoopP99();
          const cpu1 = s.target.primary.sample()?.cpuUs ?? 0;
          const idleCpu = ((cpu1 - cpu0) / (nowUs() - w0)) * 100;
          const counters = await s.counters();
          const subErrors = Object.values(counters.subErrors).reduce((a, b) => a + b, 0);
          if (subErrors)
            result.failures.push(
              `${label}: ${subErrors} subscriptions failed (${fmtErrors(counters.subErrors)})`,
            );
          if (opened.failed) {
            const msg = `${label}: ${opened.failed} of ${target} connections failed (${fmtErrors(opened.errors)})`;
            if (opts.smoke) result.failures.push(msg);
            else result.notes.push(msg);
          }
          if (!eld) result.notes.push(`${label}: no event-loop delay p99 gauge found at /metrics`);
          headline(result, 'Capacity: subscriptions held', label, opened.opened);
          headline(
            result,
            'Capacity: server KiB per connection',
            label,
            opened.opened ? r1((rss1 - rss0) / opened.opened / 1024) : null,
          );
          headline(result, 'Capacity: idle event-loop p99 ms', label, eld ? r2(eld.ms) : null);
          t.rows.push({
            target: label,
            values: {
              tried: target,
              opened: opened.opened,
              failed: opened.failed,
              connectRate: Math.round(opened.opened / opened.seconds),
              rss0: mb(rss0),
              rss1: mb(rss1),
              perConn: opened.opened ? r1((rss1 - rss0) / opened.opened / 1024) : null,
              eld: eld ? r2(eld.ms) : null,
              idleCpu: r2(idleCpu),
            },
          });
        });
      } catch (e) {
        result.failures.push(`${label}: ${(e as Error).message}`);
      }
    }
  },
};
