import { nowUs } from '../load/body';
import { fmtErrors, r2, roomsOf, withSession } from './harness';
import { addRaw, labelOf, table, targetsFor, type Scenario, headline } from './scenario';

/** Scenario 5 (Chatter): everyone drops at once, messages keep coming, everyone resumes with cursors. */
export const reconnectStorm: Scenario = {
  id: 5,
  name: 'Reconnect storm',
  chatterOnly: true,
  description:
    'Clients in rooms of 10 all lose their connection at the same instant (TCP dropped, no close frame) while 100 messages per room are sent (at 500 msgs/s); then all reconnect at once with `chatEvents(since:)` cursors taken from what each had received (a failed reconnect is retried with jittered back-off, as a client would), while two more live messages per room are sent during the resume. Reported: time from the reconnect until every client has every message, with lost and duplicate counts.',
  async run(opts, result) {
    const clients = opts.smoke ? 50 : Math.max(20, Math.round(10_000 * opts.scale));
    const perRoom = opts.smoke ? 5 : 100;
    // Scenario 2's steady rate: the storm is about resuming, not about send capacity.
    const offlineRate = opts.smoke ? 250 : 500;
    result.skipped.push(
      'B0 and B1: no resume in their design — every message sent while a client is offline is lost, so there is nothing to time.',
    );
    const t = table([
      { key: 'clients', label: 'clients' },
      { key: 'offline', label: 'msgs sent while offline' },
      { key: 'live', label: 'live msgs during resume' },
      { key: 'reconnect', label: 'all reconnected s' },
      { key: 'retried', label: 'reconnect retries' },
      { key: 'caughtUp', label: 'all caught up s' },
      { key: 'delivered', label: 'deliveries' },
      { key: 'lost', label: 'lost' },
      { key: 'dups', label: 'dups' },
      { key: 'resync', label: 'ResyncRequired' },
      { key: 'liveP99', label: 'live msgs p99 ms' },
      { key: 'serverCpu', label: 'server CPU s (resume)' },
      { key: 'cpuPerClient', label: 'server CPU µs per resumed client' },
      { key: 'loadCpu', label: 'load-gen CPU s (resume)' },
    ]);
    result.tables.push(t);
    for (const kind of targetsFor(opts, result, true)) {
      const label = labelOf(kind);
      try {
        await withSession(kind, opts, async (s) => {
          const rooms = roomsOf(Math.floor(clients / 10), 10, 200_000);
          const keys = await s.target.createRooms(
            rooms.map((members) => ({ members })),
            'storm',
          );
          const specs = await Promise.all(
            rooms.flatMap((members, r) => members.map((u) => s.spec(u, [keys[r] as string]))),
          );
          const opened = await s.open(specs, { concurrency: 500 });
          if (opened.failed)
            throw new Error(`${opened.failed} connections failed: ${fmtErrors(opened.errors)}`);
          // Every room: the warm-up also gives every client its first cursor.
          const warm = await s.warmup(keys, rooms, { maxRate: 500, sampleRooms: keys.length });
          if (!warm.ok) throw new Error(warm.detail);
          const before = await s.counters();

          await s.drop();
          const offline = await s.startPhase(
            { roomKeys: keys, senders: rooms, rate: offlineRate, total: keys.length * perRoom },
            50,
          );
          // CPU from the reconnect until the drain ends: what resuming costs the server (and the
          // load generator, which receives every replayed message too).
          const serverCpu0 = s.target.primary.sample()?.cpuUs ?? 0;
          const loadCpu0 = (await s.counters()).cpuUs;
          const reconnectAt = nowUs();
          const [reopened, live] = await Promise.all([
            s.open(specs, { concurrency: 1000, retries: 6 }),
            s.startPhase(
              {
                roomKeys: keys,
                senders: rooms,
                rate: Math.min(1000, keys.length * 4),
                total: keys.length * 2,
              },
              0,
            ),
          ]);
          const reconnectS = (nowUs() - reconnectAt) / 1e6;
          if (reopened.retried > 0)
            result.notes.push(
              `${label}: ${reopened.retried} reconnect attempts were retried (${fmtErrors(reopened.errors)})`,
            );
          const expected = [offline, live].reduce(
            (a, ph) => a + ph.sends.reduce((b, x) => b + x.expected, 0),
            0,
          );
          const d = await s.drain(
            [offline.phaseId, live.phaseId],
            expected,
            opts.smoke ? 20_000 : 180_000,
            opts.smoke ? 5000 : 15_000,
          );
          const serverCpuS = ((s.target.primary.sample()?.cpuUs ?? 0) - serverCpu0) / 1e6;
          const loadCpuS = ((await s.counters()).cpuUs - loadCpu0) / 1e6;
          const pOffline = await s.finishPhase(
            { roomKeys: keys, senders: rooms, rate: offlineRate, total: keys.length * perRoom },
            offline,
            d.drained,
          );
          const pLive = await s.finishPhase(
            { roomKeys: keys, senders: rooms, rate: 1000, total: keys.length * 2 },
            live,
            d.drained,
          );
          const after = await s.counters();
          addRaw(result, {
            target: label,
            reconnectS,
            caughtUpS: d.drained ? (d.lastDeliveryUs - reconnectAt) / 1e6 : null,
            offline: pOffline,
            live: pLive,
          });
          const lost = pOffline.lost + pLive.lost;
          const dups = pOffline.dups + pLive.dups;
          const sendErrors = pOffline.sendErrors + pLive.sendErrors;
          if (reopened.failed)
            result.failures.push(
              `${label}: ${reopened.failed} reconnects failed (${fmtErrors(reopened.errors)})`,
            );
          if (lost)
            result.failures.push(`${label}: lost ${lost} of ${expected} deliveries after resume`);
          if (dups) result.failures.push(`${label}: ${dups} duplicate deliveries after resume`);
          if (sendErrors)
            result.failures.push(
              `${label}: ${sendErrors} send errors (${fmtErrors({ ...pOffline.errors, ...pLive.errors })})`,
            );
          headline(
            result,
            `Reconnect storm (${opened.opened} clients): all caught up s, lost, dups`,
            label,
            `${d.drained ? r2((d.lastDeliveryUs - reconnectAt) / 1e6) : 'not'} s, ${lost}, ${dups}`,
          );
          t.rows.push({
            target: label,
            values: {
              clients: opened.opened,
              offline: pOffline.sent,
              live: pLive.sent,
              reconnect: r2(reconnectS),
              retried: reopened.retried,
              caughtUp: d.drained ? r2((d.lastDeliveryUs - reconnectAt) / 1e6) : null,
              delivered: pOffline.unique + pLive.unique,
              lost,
              dups,
              resync: after.resync - before.resync,
              liveP99: pLive.latency.p99,
              serverCpu: r2(serverCpuS),
              cpuPerClient: opened.opened ? Math.round((serverCpuS * 1e6) / opened.opened) : null,
              loadCpu: r2(loadCpuS),
            },
          });
        });
      } catch (e) {
        result.failures.push(`${label}: ${(e as Error).message}`);
      }
    }
  },
};
