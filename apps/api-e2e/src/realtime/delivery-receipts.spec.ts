import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, gql, ok, Session, signUp, startApi, wsClient } from '../support';
import { Ev, group, probe, send } from './realtime-helpers';

const STREAM = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) {
  __typename
  ... on MessageAdded { seq message { id seq body editedAt deletedAt reactions { emoji count } } }
  ... on DeliveryReceipt { conversationId userId seq }
  ... on ReadReceipt { conversationId userId seq }
} }`;
const DELIVERED = 'mutation($c:ID!,$s:Int!){ markDelivered(conversationId:$c, seq:$s) }';
const READ = 'mutation($c:ID!,$s:Int!){ markRead(conversationId:$c, seq:$s){ id } }';
const TICKS =
  'query($c:ID!){ messages(conversationId:$c, last:50){ edges { node { id seq readBy deliveredTo } } } }';

let api: ApiProcess;
let ada: Session;
let bob: Session;
let cyd: Session;

beforeAll(async () => {
  api = await startApi();
  [ada, bob, cyd] = [await signUp(api, 'Ada'), await signUp(api, 'Bob'), await signUp(api, 'Cyd')];
});
afterAll(async () => {
  await api?.stop();
});

async function ticks(who: Session, conv: string) {
  const data = await ok<{
    messages: { edges: { node: { id: string; readBy: number; deliveredTo: number } }[] };
  }>(api, TICKS, { c: conv }, who.accessToken);
  return Object.fromEntries(
    data.messages.edges.map((e) => [e.node.id, [e.node.deliveredTo, e.node.readBy]]),
  );
}

describe('delivery ticks: markDelivered moves a delivered pointer, shown as a field and an event', () => {
  it('a direct chat goes sent → delivered → read; the pointer never moves back; past the end is refused', async () => {
    const dm = (
      await ok<{ openDirectConversation: { id: string } }>(
        api,
        'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
        { u: bob.userId },
        ada.accessToken,
      )
    ).openDirectConversation.id;
    const client = wsClient(api, ada.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: dm, afterSeq: 0 }],
    });
    await probe(api, ada, dm, stream);
    const first = await send(api, ada, dm, 'one');
    const second = await send(api, ada, dm, 'two');
    expect((await ticks(ada, dm))[second.id]).toEqual([0, 0]); // sent

    // While the chat is a message request to Bob, his acknowledgements show Ada nothing.
    expect((await ok(api, DELIVERED, { c: dm, s: first.seq }, bob.accessToken)).markDelivered).toBe(
      true,
    );
    expect((await ticks(ada, dm))[first.id]).toEqual([0, 0]);
    await ok(
      api,
      'mutation($c:ID!){ acceptMessageRequest(conversationId:$c){ id } }',
      { c: dm },
      bob.accessToken,
    );

    expect((await ok(api, DELIVERED, { c: dm, s: first.seq }, bob.accessToken)).markDelivered).toBe(
      true,
    );
    const afterFirst = await ticks(ada, dm);
    expect(afterFirst[first.id]).toEqual([1, 0]); // delivered
    expect(afterFirst[second.id]).toEqual([0, 0]); // still only sent
    const receipt = await stream.until(
      (i) => i.some((e) => e.chatEvents.__typename === 'DeliveryReceipt'),
      10_000,
      'the delivery receipt',
    );
    expect(receipt.find((e) => e.chatEvents.__typename === 'DeliveryReceipt')!.chatEvents).toEqual({
      __typename: 'DeliveryReceipt',
      conversationId: dm,
      userId: bob.userId,
      seq: first.seq,
    });

    // Never backwards, and an acknowledgement that moves nothing sends no event.
    await ok(api, DELIVERED, { c: dm, s: 0 }, bob.accessToken);
    expect((await ticks(ada, dm))[first.id]).toEqual([1, 0]);

    // Past the end of the log: refused with a stable reason, nothing moves.
    const lastSeq = second.seq;
    const past = await gql(api, DELIVERED, { c: dm, s: lastSeq + 1 }, bob.accessToken);
    expect(past.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'seq',
      reason: 'SEQ_PAST_END',
    });
    expect((await ticks(ada, dm))[second.id]).toEqual([0, 0]);
    for (const s of [-1, 2 ** 31 - 1]) {
      expect(
        (await gql(api, DELIVERED, { c: dm, s }, bob.accessToken)).errors?.[0]?.extensions?.code,
      ).toBe('BAD_USER_INPUT');
    }

    // Reading implies receipt.
    await ok(api, READ, { c: dm, s: second.seq }, bob.accessToken);
    expect((await ticks(ada, dm))[second.id]).toEqual([1, 1]); // read
    const events = await stream.until(
      (i) => i.some((e) => e.chatEvents.__typename === 'ReadReceipt'),
      10_000,
      'the read receipt',
    );
    expect(events.filter((e) => e.chatEvents.__typename === 'DeliveryReceipt')).toHaveLength(1);

    // A non-member cannot move anyone's pointer.
    expect(
      (await gql(api, DELIVERED, { c: dm, s: 1 }, cyd.accessToken)).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    stream.stop();
    await client.dispose();
  });

  it('groups count: deliveredTo and readBy per message, a receipt per member who moved', async () => {
    const conv = await group(api, ada, [bob, cyd], 'Ticks');
    const client = wsClient(api, ada.accessToken);
    const stream = new Collector<Ev>(client, STREAM, {
      since: [{ conversationId: conv, afterSeq: 0 }],
    });
    await probe(api, ada, conv, stream);
    const m = await send(api, ada, conv, 'hello all');
    await ok(api, DELIVERED, { c: conv, s: m.seq }, bob.accessToken);
    expect((await ticks(cyd, conv))[m.id]).toEqual([1, 0]);
    await ok(api, DELIVERED, { c: conv, s: m.seq }, cyd.accessToken);
    await ok(api, READ, { c: conv, s: m.seq }, cyd.accessToken);
    expect((await ticks(ada, conv))[m.id]).toEqual([2, 1]);
    const items = await stream.until(
      (i) => i.filter((e) => e.chatEvents.__typename === 'DeliveryReceipt').length >= 2,
      10_000,
      'two delivery receipts',
    );
    expect(
      items
        .filter((e) => e.chatEvents.__typename === 'DeliveryReceipt')
        .map((e) => e.chatEvents.userId)
        .sort(),
    ).toEqual([bob.userId, cyd.userId].sort());
    stream.stop();
    await client.dispose();
  });
});
