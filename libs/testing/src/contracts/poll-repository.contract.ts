import { NewMember, Poll, User } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, aTenantId } from '../builders';
import { MakeStore, StoreUnderTest, seedUsers, useStore } from './store-under-test';

const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });

/** A conversation of `n` members and a poll message by the first, with its poll stored. */
async function aPoll(
  s: StoreUnderTest,
  t: string,
  n: number,
  options: Partial<Poll> = {},
): Promise<{ users: User[]; poll: Poll; seq: number }> {
  const users = await seedUsers(s, t, n);
  const conversation = await s.conversations.create(aConversation(t), users.map(member));
  const input = aMessage(t, conversation.id, users[0]!.id, { body: 'Lunch?' });
  const { message } = await s.messages.append(input);
  const poll = await s.polls.create({
    tenantId: t,
    messageId: message.id,
    conversationId: conversation.id,
    creatorId: users[0]!.id,
    question: 'Lunch?',
    options: [
      { id: '0', text: 'Pizza' },
      { id: '1', text: 'Sushi $& 東京' },
      { id: '2', text: 'Tacos' },
    ],
    multipleChoice: true,
    anonymous: false,
    createdAt: message.createdAt,
    closedAt: null,
    ...options,
  });
  return { users, poll, seq: message.seq };
}

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

/** Contract of `PollRepository`: polls, ballots, closing, results, and their log entries. */
export function pollRepositoryContract(makeStore: MakeStore): void {
  describe('PollRepository', () => {
    const store = useStore(makeStore);

    it('stores a poll once (create is idempotent) and finds it by message id', async () => {
      const t = aTenantId();
      const { poll } = await aPoll(store(), t, 2);
      expect(poll.options[1]!.text).toBe('Sushi $& 東京');
      const again = await store().polls.create({ ...poll, question: 'other' });
      expect(again.question).toBe('Lunch?');
      const found = await store().polls.findByMessageIds(t, [poll.messageId, 'missing']);
      expect(found).toEqual([poll]);
      expect(await store().polls.findByMessageIds(aTenantId(), [poll.messageId])).toEqual([]);
    });

    it('votes replace a ballot, with one MESSAGE_UPDATED entry per change at the next seq', async () => {
      const t = aTenantId();
      const { users, poll, seq } = await aPoll(store(), t, 3);
      const [ann, ben, cat] = users as [User, User, User];
      const first = await store().polls.vote(t, poll.messageId, ben.id, ['0', '2'], at(1));
      expect(first).toMatchObject({
        kind: 'CHANGED',
        event: { kind: 'MESSAGE_UPDATED', seq: seq + 1, messageId: poll.messageId },
      });
      expect(await store().polls.vote(t, poll.messageId, ben.id, ['2', '0'], at(2))).toEqual({
        kind: 'UNCHANGED',
      });
      await store().polls.vote(t, poll.messageId, cat.id, ['0'], at(3));
      let [results] = await store().polls.results(t, [poll.messageId], ben.id, 20);
      expect(results).toEqual({
        messageId: poll.messageId,
        counts: { '0': 2, '1': 0, '2': 1 },
        voters: { '0': [ben.id, cat.id], '1': [], '2': [ben.id] },
        totalVoters: 2,
        myVotes: ['0', '2'],
      });
      const change = await store().polls.vote(t, poll.messageId, ben.id, ['1'], at(4));
      expect(change.kind === 'CHANGED' && change.event.seq).toBe(seq + 3);
      await store().polls.vote(t, poll.messageId, cat.id, [], at(5));
      [results] = await store().polls.results(t, [poll.messageId], ann.id, 1);
      expect(results).toMatchObject({
        counts: { '0': 0, '1': 1, '2': 0 },
        voters: { '0': [], '1': [ben.id], '2': [] },
        totalVoters: 1,
        myVotes: [],
      });
      // The entries are in the log, so a resuming reader sees every change.
      const conversation = await store().conversations.findById(t, poll.conversationId);
      expect(conversation!.lastSeq).toBe(seq + 4);
    });

    it('caps voters per option, earliest first', async () => {
      const t = aTenantId();
      const { users, poll } = await aPoll(store(), t, 5);
      for (const [i, u] of users.entries())
        await store().polls.vote(t, poll.messageId, u.id, ['0'], at(10 - i));
      const [results] = await store().polls.results(t, [poll.messageId], users[0]!.id, 2);
      expect(results!.counts['0']).toBe(5);
      expect(results!.voters['0']).toEqual([users[4]!.id, users[3]!.id]);
    });

    it('never returns voters of an anonymous poll', async () => {
      const t = aTenantId();
      const { users, poll } = await aPoll(store(), t, 2, { anonymous: true });
      await store().polls.vote(t, poll.messageId, users[1]!.id, ['1'], at(1));
      const [mine] = await store().polls.results(t, [poll.messageId], users[1]!.id, 20);
      expect(mine).toMatchObject({ counts: { '1': 1 }, totalVoters: 1, myVotes: ['1'] });
      const [creator] = await store().polls.results(t, [poll.messageId], users[0]!.id, 20);
      expect(Object.values(creator!.voters).flat()).toEqual([]);
      expect(JSON.stringify(creator)).not.toContain(users[1]!.id);
    });

    it('a closed poll refuses votes; closing twice changes nothing', async () => {
      const t = aTenantId();
      const { users, poll, seq } = await aPoll(store(), t, 2);
      await store().polls.vote(t, poll.messageId, users[1]!.id, ['0'], at(1));
      const closed = await store().polls.close(t, poll.messageId, at(2));
      expect(closed).toMatchObject({ kind: 'CHANGED', event: { seq: seq + 2 } });
      expect(await store().polls.close(t, poll.messageId, at(3))).toEqual({ kind: 'UNCHANGED' });
      expect(await store().polls.vote(t, poll.messageId, users[1]!.id, ['1'], at(4))).toEqual({
        kind: 'CLOSED',
      });
      const [found] = await store().polls.findByMessageIds(t, [poll.messageId]);
      expect(found!.closedAt).toEqual(at(2));
      const [results] = await store().polls.results(t, [poll.messageId], users[1]!.id, 20);
      expect(results!.myVotes).toEqual(['0']);
    });

    it('a deleted poll message or an unknown poll takes no votes', async () => {
      const t = aTenantId();
      const { users, poll } = await aPoll(store(), t, 2);
      expect(await store().polls.vote(t, 'missing', users[1]!.id, ['0'], at(1))).toEqual({
        kind: 'ABSENT',
      });
      await store().messages.tombstone(t, poll.messageId, at(2));
      expect(await store().polls.vote(t, poll.messageId, users[1]!.id, ['0'], at(3))).toEqual({
        kind: 'ABSENT',
      });
      expect(await store().polls.close(t, poll.messageId, at(4))).toEqual({ kind: 'ABSENT' });
    });
  });
}
