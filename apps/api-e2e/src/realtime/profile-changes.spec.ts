// A profile change (name, avatar, status) reaches the people who see that user, live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, ok, Session, signUp, sleep, startApi, wsClient } from '../support';
import { Ev, ofType, probe } from './realtime-helpers';

const PROFILE_STREAM = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) {
  __typename
  ... on MessageAdded { seq message { id } }
  ... on PresenceChanged { user { id name statusText presence { status } } }
} }`;

type ProfileEv = Ev & {
  chatEvents: { user?: { id: string; name?: string; statusText?: string | null } };
};

let api: ApiProcess;
let ada: Session;
let bob: Session;

beforeAll(async () => {
  api = await startApi();
  [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
});
afterAll(async () => {
  await api?.stop();
});

describe('profile changes', () => {
  it('reach someone who shares a conversation, as PresenceChanged with the new name', async () => {
    const dm = await ok<{ openDirectConversation: { id: string } }>(
      api,
      'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
      { u: bob.userId },
      ada.accessToken,
    );
    const conv = dm.openDirectConversation.id;
    const client = wsClient(api, bob.accessToken);
    const stream = new Collector<ProfileEv>(client, PROFILE_STREAM, {
      since: [{ conversationId: conv, afterSeq: 0 }],
    });
    await probe(api, ada, conv, stream);
    // Sending made Ada ONLINE: let that presence event pass, then only count what follows.
    await sleep(1_000);
    const before = stream.items.length;
    await ok(
      api,
      'mutation{ updateProfile(input:{name:"Ada Byron", statusText:"On a trip"}){ id } }',
      {},
      ada.accessToken,
    );
    const items = await stream.until(
      (i) =>
        ofType(i.slice(before), 'PresenceChanged').some(
          (e) => e.user?.id === ada.userId && (e.user as { name?: string }).name === 'Ada Byron',
        ),
      10_000,
      'the new name',
    );
    const changed = ofType(items.slice(before), 'PresenceChanged').find(
      (e) => e.user?.id === ada.userId,
    ) as ProfileEv['chatEvents'];
    expect(changed.user).toMatchObject({ name: 'Ada Byron', statusText: 'On a trip' });
    stream.stop();
    await client.dispose();
  });
});
