import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, Session, signUp, sleep, startApi } from '../support';
import { ClientMirror, mirrored } from './client-mirror';
import { history, send } from './realtime-helpers';

/**
 * History visibility, randomized: members are removed and added again (groups) or leave and
 * join (a channel) at random while messages flow, and clients disconnect and resume at random.
 * Whatever happened, each client ends with exactly what a fresh fetch shows it (a former member
 * its read-only copy up to the exit): the stream, the replay and the fetch agree. The seed is printed on failure; CHATTER_HISTORY_SEED replays it.
 */

let api: ApiProcess;

beforeAll(async () => {
  api = await startApi({});
});
afterAll(async () => {
  await api?.stop();
});

/** mulberry32: a small seeded PRNG, so a failing run can be replayed exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Room {
  id: string;
  kind: 'SINCE_JOINED group' | 'FULL group' | 'channel';
  members: Set<string>;
  ownMessages: string[];
}

const STEPS = Number(process.env['CHATTER_HISTORY_STEPS'] ?? 60);

describe('history visibility as a setting', () => {
  it('groups default to SINCE_JOINED and channels to FULL; admins change it for members added afterwards', async () => {
    const [ada, bob, cyd] = [
      await signUp(api, 'Ada'),
      await signUp(api, 'Bob'),
      await signUp(api, 'Cyd'),
    ];
    const mutate = (who: Session, query: string, variables: Record<string, unknown> = {}) =>
      ok(api, query, variables, who.accessToken);
    const created = await mutate(
      ada,
      'mutation($m:[ID!]!){ createGroup(input:{title:"Setting", memberIds:$m}){ id historyVisibility } }',
      { m: [bob.userId] },
    );
    const channel = await mutate(
      ada,
      'mutation { createChannel(input:{title:"Open"}){ historyVisibility } }',
    );
    expect(created.createGroup.historyVisibility).toBe('SINCE_JOINED');
    expect(channel.createChannel.historyVisibility).toBe('FULL');
    const id = created.createGroup.id as string;
    await send(api, ada, id, 'early');
    const refused = await gql(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, historyVisibility: FULL}){ id } }',
      { c: id },
      bob.accessToken,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const changed = await mutate(
      ada,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, historyVisibility: FULL}){ historyVisibility } }',
      { c: id },
    );
    expect(changed.updateConversation.historyVisibility).toBe('FULL');
    await mutate(
      ada,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: id, u: [cyd.userId] },
    );
    expect((await history(api, cyd, id)).map((m) => m.body)).toEqual(['early']);
    const bad = await gql(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, historyVisibility: SOMETIMES}){ id } }',
      { c: id },
      ada.accessToken,
    );
    expect(bad.errors?.length).toBeGreaterThan(0);
  });
});

describe('history visibility: stream, replay and fetch agree', () => {
  it('under random removals, re-adds, disconnects and resumes, each client ends with what a fresh fetch shows', async () => {
    const seed = Number(process.env['CHATTER_HISTORY_SEED'] ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const log: string[] = [];
    try {
      const ada = await signUp(api, 'Ada');
      const others = [await signUp(api, 'Bob'), await signUp(api, 'Cyd'), await signUp(api, 'Dan')];
      const byId = new Map([ada, ...others].map((s) => [s.userId, s]));
      const mutate = (who: Session, query: string, variables: Record<string, unknown>) =>
        ok(api, query, variables, who.accessToken);
      const createGroup = async (visibility: 'FULL' | 'SINCE_JOINED') =>
        (
          await mutate(
            ada,
            'mutation($m:[ID!]!,$v:HistoryVisibility){ createGroup(input:{title:"Random", memberIds:$m, historyVisibility:$v}){ id } }',
            {
              m: others.map((o) => o.userId),
              v: visibility,
            },
          )
        ).createGroup.id as string;
      const channel = (
        await mutate(ada, 'mutation { createChannel(input:{title:"Random channel"}){ id } }', {})
      ).createChannel.id as string;
      for (const o of others)
        await mutate(o, 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }', { c: channel });
      const everyone = () => new Set([ada.userId, ...others.map((o) => o.userId)]);
      const rooms: Room[] = [
        {
          id: await createGroup('SINCE_JOINED'),
          kind: 'SINCE_JOINED group',
          members: everyone(),
          ownMessages: [],
        },
        { id: await createGroup('FULL'), kind: 'FULL group', members: everyone(), ownMessages: [] },
        { id: channel, kind: 'channel', members: everyone(), ownMessages: [] },
      ];
      const mirrors = others.map((o) => new ClientMirror(api, o));
      for (const m of mirrors) await m.connect();

      let n = 0;
      for (let step = 0; step < STEPS; step++) {
        const room = pick(rooms);
        const roll = random();
        if (roll < 0.45) {
          const sender = byId.get(pick([...room.members]))!;
          const body = `${room.kind} #${++n} from ${sender.name}`;
          const sent = await send(api, sender, room.id, body);
          if (sender === ada) room.ownMessages.push(sent.id);
          log.push(`send ${body}`);
        } else if (roll < 0.52 && room.ownMessages.length > 0) {
          const id = pick(room.ownMessages);
          await mutate(ada, 'mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ id } }', {
            id,
            b: `edited #${++n}`,
          });
          log.push(`edit ${id} in ${room.kind}`);
        } else if (roll < 0.66) {
          const inside = others.filter((o) => room.members.has(o.userId));
          if (inside.length === 0) continue;
          const who = pick(inside);
          if (room.kind === 'channel')
            await mutate(who, 'mutation($c:ID!){ leaveConversation(conversationId:$c) }', {
              c: room.id,
            });
          else
            await mutate(
              ada,
              'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
              { c: room.id, u: who.userId },
            );
          room.members.delete(who.userId);
          log.push(`${who.name} out of ${room.kind}`);
        } else if (roll < 0.8) {
          const outside = others.filter((o) => !room.members.has(o.userId));
          if (outside.length === 0) continue;
          const who = pick(outside);
          if (room.kind === 'channel')
            await mutate(who, 'mutation($c:ID!){ joinChannel(conversationId:$c){ id } }', {
              c: room.id,
            });
          else
            await mutate(
              ada,
              'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
              { c: room.id, u: [who.userId] },
            );
          room.members.add(who.userId);
          log.push(`${who.name} into ${room.kind}`);
        } else if (roll < 0.9) {
          const online = mirrors.filter((m) => m.connected);
          if (online.length === 0) continue;
          const m = pick(online);
          await m.disconnect();
          log.push(`${m.session.name} disconnects`);
        } else {
          const offline = mirrors.filter((m) => !m.connected);
          if (offline.length === 0) continue;
          const m = pick(offline);
          await m.connect();
          log.push(`${m.session.name} resumes`);
        }
        if (random() < 0.3) await sleep(Math.floor(random() * 40));
      }

      // Everyone comes back; a last message per room shows when each stream has caught up.
      for (const m of mirrors) await m.connect();
      for (const room of rooms) {
        const last = await send(api, ada, room.id, `${room.kind} last`);
        for (const m of mirrors)
          if (room.members.has(m.session.userId)) await m.reached(room.id, last.seq);
      }
      await sleep(300);
      for (const m of mirrors) await m.idle();

      for (const m of mirrors) {
        for (const room of rooms) {
          const what = `${m.session.name} in the ${room.kind}`;
          // Members and former members alike: the client holds exactly what a fetch shows.
          expect(mirrored(m, room.id), what).toEqual(await history(api, m.session, room.id));
          if (!room.members.has(m.session.userId)) {
            const refused = await gql(
              api,
              'mutation($c:ID!){ sendMessage(input:{conversationId:$c, body:"hi", clientMessageId:"x"}){ id } }',
              { c: room.id },
              m.session.accessToken,
            );
            expect(refused.errors?.[0]?.extensions?.code, what).toBe('NOT_A_MEMBER');
          }
        }
        expect(m.errors, m.session.name).toEqual([]);
      }
      for (const m of mirrors) await m.disconnect();
    } catch (error) {
      throw new Error(
        `seed ${seed} (CHATTER_HISTORY_SEED=${seed} replays it); steps:\n${log.join('\n')}\n${String(error instanceof Error ? error.stack : error)}`,
      );
    }
  }, 90_000);
});
