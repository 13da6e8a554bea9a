import { describe, expect, it } from 'vitest';
import type { PollFieldsFragment } from '@chatter/client';
import { nextVotes } from './poll-card';
import { pollDraftProblem } from './poll-composer';

const poll = (patch: Partial<PollFieldsFragment> = {}): PollFieldsFragment => ({
  __typename: 'Poll',
  question: 'Lunch?',
  multipleChoice: false,
  anonymous: false,
  closedAt: null,
  totalVoters: 0,
  myVotes: [],
  creatorId: 'u1',
  options: [
    { __typename: 'PollOption', id: '0', text: 'Pizza', voteCount: 0 },
    { __typename: 'PollOption', id: '1', text: 'Sushi', voteCount: 0 },
  ],
  ...patch,
});

describe('nextVotes', () => {
  it('single choice: picks one, switches, and retracts when pressed again', () => {
    expect(nextVotes(poll(), '0')).toEqual(['0']);
    expect(nextVotes(poll({ myVotes: ['0'] }), '1')).toEqual(['1']);
    expect(nextVotes(poll({ myVotes: ['0'] }), '0')).toEqual([]);
  });
  it('multiple choice: toggles each option', () => {
    const multi = poll({ multipleChoice: true, myVotes: ['0'] });
    expect(nextVotes(multi, '1')).toEqual(['0', '1']);
    expect(nextVotes(multi, '0')).toEqual([]);
  });
});

describe('pollDraftProblem', () => {
  it('asks for a question, two options and different options', () => {
    expect(pollDraftProblem(' ', ['a', 'b'])).toBe('Ask a question');
    expect(pollDraftProblem('Q?', ['a', ' '])).toBe('Give at least 2 options');
    expect(pollDraftProblem('Q?', ['Yes', 'yes'])).toBe('Options must all be different');
    expect(pollDraftProblem('Q?', ['Yes', 'No', ''])).toBeNull();
  });
});
