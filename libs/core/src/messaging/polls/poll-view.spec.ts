import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Actor } from '../../shared/actor';
import { Poll, POLL_VOTERS_PAGE, PollResults, pollView } from './poll';
import { PollRepository } from './poll.repository';
import { Polls } from './polls.use-cases';

const aPoll = (overrides: Partial<Poll> = {}): Poll => ({
  tenantId: 't1',
  messageId: 'm1',
  conversationId: 'c1',
  creatorId: 'u1',
  question: 'Lunch?',
  options: [
    { id: '0', text: 'Pizza' },
    { id: '1', text: 'Soup' },
    { id: '2', text: 'Salad' },
  ],
  multipleChoice: false,
  anonymous: false,
  createdAt: new Date(0),
  closedAt: null,
  ...overrides,
});

const resultsOf = (messageId: string, overrides: Partial<PollResults> = {}): PollResults => ({
  messageId,
  counts: { '0': 2, '1': 1 },
  voters: { '0': ['u2', 'u3'], '1': ['u1'] },
  totalVoters: 3,
  myVotes: ['1'],
  ...overrides,
});

describe('pollView', () => {
  it('lists every option in the poll order with its count and voters, zero where none voted', () => {
    expect(pollView(aPoll(), resultsOf('m1'))).toEqual({
      poll: aPoll(),
      options: [
        { id: '0', text: 'Pizza', voteCount: 2, voterIds: ['u2', 'u3'] },
        { id: '1', text: 'Soup', voteCount: 1, voterIds: ['u1'] },
        { id: '2', text: 'Salad', voteCount: 0, voterIds: [] },
      ],
      totalVoters: 3,
      myVotes: ['1'],
    });
  });

  it('never shows who voted in an anonymous poll, whatever the results hold; counts stay', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 100 }), {
          minLength: 2,
          maxLength: 12,
        }),
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: POLL_VOTERS_PAGE }),
        fc.boolean(),
        (texts, voters, anonymous) => {
          const options = texts.map((text, i) => ({ id: String(i), text }));
          const counts = Object.fromEntries(options.map((o, i) => [o.id, i * voters.length]));
          const view = pollView(
            aPoll({ options, anonymous }),
            resultsOf('m1', {
              counts,
              voters: Object.fromEntries(options.map((o) => [o.id, voters])),
            }),
          );
          expect(view.options.map((o) => [o.id, o.text, o.voteCount])).toEqual(
            options.map((o, i) => [o.id, o.text, i * voters.length]),
          );
          for (const option of view.options)
            expect(option.voterIds).toEqual(anonymous ? [] : voters);
        },
      ),
    );
  });
});

describe('Polls.views', () => {
  const actor = { tenantId: 't1', userId: 'u9' } as Actor;
  const polls = [aPoll({ messageId: 'm1' }), aPoll({ messageId: 'm2', anonymous: true })];
  const calls: unknown[][] = [];
  const repository = {
    findByMessageIds: async (tenantId: string, ids: readonly string[]) => {
      calls.push(['find', tenantId, [...ids]]);
      return polls.filter((p) => ids.includes(p.messageId));
    },
    results: async (tenantId: string, ids: readonly string[], viewer: string, page: number) => {
      calls.push(['results', tenantId, [...ids], viewer, page]);
      return ids.filter((id) => id !== 'm3').map((id) => resultsOf(id));
    },
  } as unknown as PollRepository;
  // Reading views needs the poll repository alone.
  const none = undefined as never;
  const useCase = new Polls(repository, none, none, none, none, none, none, none, none);

  it('reads a batch once, as the viewer, and keeps only messages that are polls', async () => {
    const views = await useCase.views(actor, ['m1', 'm2', 'm3']);
    expect(calls).toEqual([
      ['find', 't1', ['m1', 'm2', 'm3']],
      ['results', 't1', ['m1', 'm2', 'm3'], 'u9', POLL_VOTERS_PAGE],
    ]);
    expect(views.map((v) => v.poll.messageId)).toEqual(['m1', 'm2']);
    expect(views[0]!.options[0]!.voterIds).toEqual(['u2', 'u3']);
    expect(views[1]!.options.map((o) => o.voterIds)).toEqual([[], [], []]);
    expect(views[1]!.options.map((o) => o.voteCount)).toEqual([2, 1, 0]);
  });
});
