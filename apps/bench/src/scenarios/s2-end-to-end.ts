import { roomsOf, withSession } from './harness';
import {
  addRaw,
  sendRuns,
  checkPhase,
  DELIVERY_COLUMNS,
  phaseCells,
  table,
  targetsFor,
  type Scenario,
  headline,
} from './scenario';

/** Scenario 2: send→deliver latency for every recipient at a steady chat load. */
export const endToEnd: Scenario = {
  id: 2,
  name: 'End to end',
  description:
    'Connected users in rooms of 10 each hold a subscription; sendMessage at a fixed rate (senders rotate through the members); latency from the scheduled send time to each recipient’s delivery. Chatter on its embedded store, sending over HTTP (as a bot or a server-side integration does) and then as graphql-ws operations on each sender’s own socket (as Chatter’s SDK and web app do while connected).',
  async run(opts, result) {
    const users = opts.smoke ? 40 : Math.max(20, Math.round(5000 * opts.scale));
    const roomSize = 10;
    const rate = opts.smoke ? 50 : 500;
    const durationS = opts.durationS;
    const t = table([{ key: 'users', label: 'users' }, ...DELIVERY_COLUMNS]);
    result.tables.push(t);
    const runs = sendRuns(targetsFor(opts, result));
    for (const { kind, label, onSocket } of runs) {
      await withSession(kind, opts, async (s) => {
        const rooms = roomsOf(Math.floor(users / roomSize), roomSize);
        const keys = await s.target.createRooms(
          rooms.map((members) => ({ members })),
          'e2e',
        );
        const specs = await Promise.all(
          rooms.flatMap((members, r) =>
            members.map(async (u) => ({
              ...(await s.spec(u, [keys[r] as string])),
              sendOnSocket: onSocket,
            })),
          ),
        );
        const opened = await s.open(specs);
        if (opened.failed)
          result.failures.push(
            `${label}: ${opened.failed} connections failed (${JSON.stringify(opened.errors)})`,
          );
        const warm = await s.warmup(keys, rooms);
        if (!warm.ok) {
          if (opts.smoke || kind === 'chatter') result.failures.push(`${label}: ${warm.detail}`);
          else result.notes.push(`Overloaded: ${label}: ${warm.detail}`);
        }
        const p = await s.phase({
          roomKeys: keys,
          senders: rooms,
          rate,
          total: Math.round(rate * durationS),
        });
        checkPhase(label, 'end to end', p, result, opts);
        addRaw(result, { target: label, users: opened.opened, phase: p });
        t.rows.push({ target: label, values: { users: opened.opened, ...phaseCells(p) } });
        headline(
          result,
          `End to end ${opened.opened} users @${rate} msgs/s: p50 / p99 ms`,
          label,
          `${p.latency.p50} / ${p.latency.p99}`,
        );
      });
    }
  },
};
