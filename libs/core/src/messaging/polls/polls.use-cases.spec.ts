import { describe, expect, it } from 'vitest';
import { InMemoryRateLimiter } from '../../memory/in-memory-rate-limiter';
import { SystemClock } from '../../shared/clock';
import { CoreSettings } from '../../shared/settings';
import type { BlockRepository } from '../../identity/contact.repository';
import type { RealtimePublisher } from '../../events/realtime-publisher';
import type { ConversationAccess } from '../conversation-access';
import type { Message } from '../message';
import type { MessageRepository } from '../message.repository';
import type { SendMessages } from '../messages/messages.use-cases';
import type { Poll } from './poll';
import type { PollRepository } from './poll.repository';
import { Polls } from './polls.use-cases';

const actor = { tenantId: 't1', userId: 'ann', sessionId: null };
const stored = {
  id: 'm1',
  tenantId: 't1',
  conversationId: 'c1',
  senderId: 'ann',
  body: 'Lunch?',
  createdAt: new Date(0),
} as unknown as Message;
const input = {
  conversationId: 'c1',
  clientMessageId: 'k1',
  question: 'Lunch?',
  options: ['Pizza', 'Sushi'],
};

/** Polls keyed by message id; `create` keeps the first, as the stores do. */
function pollStore() {
  const polls = new Map<string, Poll>();
  let beforeCreate: () => Promise<void> = async () => undefined;
  const repo = {
    findByMessageIds: async (_t: string, ids: readonly string[]) =>
      ids.flatMap((id) => (polls.has(id) ? [polls.get(id)!] : [])),
    create: async (poll: Poll) => {
      await beforeCreate();
      if (!polls.has(poll.messageId)) polls.set(poll.messageId, poll);
      return polls.get(poll.messageId)!;
    },
  };
  return {
    repo: repo as unknown as PollRepository,
    polls,
    delayCreates: (until: Promise<void>) => (beforeCreate = () => until),
  };
}

/** A send that finds the message already stored (`created` false) or stores it now. */
const sendWith = (created: () => boolean) =>
  ({
    send: async (
      _a: unknown,
      _i: unknown,
      options: { complete?: (m: Message, c: boolean) => Promise<void> },
    ) => {
      const c = created();
      await options.complete?.(stored, c);
      return { message: stored, created: c };
    },
  }) as unknown as SendMessages;

const pollsWith = (repo: PollRepository, send: SendMessages) =>
  new Polls(
    repo,
    {} as MessageRepository,
    send,
    {} as ConversationAccess,
    {} as BlockRepository,
    {} as RealtimePublisher,
    new InMemoryRateLimiter(),
    new CoreSettings(),
    new SystemClock(),
  );

describe('Polls.create: retries', () => {
  it('a retry that finds the message before its poll stores the poll instead of answering CONFLICT', async () => {
    const store = pollStore();
    const message = await pollsWith(
      store.repo,
      sendWith(() => false),
    ).create(actor, input);
    expect(message.id).toBe('m1');
    expect(store.polls.get('m1')?.options.map((o) => o.text)).toEqual(['Pizza', 'Sushi']);
  });

  it('the first request and a racing retry both answer the one poll', async () => {
    const store = pollStore();
    let release!: () => void;
    store.delayCreates(new Promise<void>((r) => (release = r)));
    let first = true;
    const polls = pollsWith(
      store.repo,
      sendWith(() => {
        const c = first;
        first = false;
        return c;
      }),
    );
    const both = Promise.all([polls.create(actor, input), polls.create(actor, input)]);
    release();
    const [a, b] = await both;
    expect(a.id).toBe(b.id);
    expect(store.polls.size).toBe(1);
  });

  it('a retry with other options is a reused key (CONFLICT), whichever request stored its poll first', async () => {
    const store = pollStore();
    const polls = pollsWith(
      store.repo,
      sendWith(() => false),
    );
    await polls.create(actor, input);
    await expect(
      polls.create(actor, { ...input, options: ['Pizza', 'Tacos'] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    const racing = pollStore();
    let release!: () => void;
    racing.delayCreates(new Promise<void>((r) => (release = r)));
    const other = pollsWith(
      racing.repo,
      sendWith(() => false),
    );
    const one = other.create(actor, input);
    const two = other.create(actor, { ...input, options: ['Pizza', 'Tacos'] });
    release();
    const outcomes = await Promise.allSettled([one, two]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
  });
});
