import { describe, expect, it } from 'vitest';
import { Actor } from '../../shared/actor';
import { Conversation } from '../conversation';
import { ConversationRepository } from '../conversation.repository';
import { Message } from '../message';
import { MessageQueries } from './message-queries';

const actor = { tenantId: 't1', userId: 'ann' } as Actor;
const conversation = (overrides: Partial<Conversation>) =>
  ({ id: 'c1', tenantId: 't1', kind: 'GROUP', lastMessageId: 'm7', ...overrides }) as Conversation;
const latest = { id: 'm7', conversationId: 'c1', seq: 7 } as Message;

describe("MessageQueries.lastMessageFor (the chat list's preview)", () => {
  const formerAsked: string[] = [];
  const conversations = {
    getFormerMember: async (_tenantId: string, conversationId: string) => {
      formerAsked.push(conversationId);
      return null;
    },
  } as unknown as ConversationRepository;
  const none = undefined as never;
  const queries = new MessageQueries(none, conversations, none, none, none, none);
  const loaded: string[] = [];
  const load = async (id: string) => {
    loaded.push(id);
    return id === latest.id ? latest : null;
  };

  it('shows a member the latest message unless it predates their visible history', async () => {
    expect(await queries.lastMessageFor(actor, conversation({}), { historyFromSeq: 0 }, load)).toBe(
      latest,
    );
    expect(await queries.lastMessageFor(actor, conversation({}), { historyFromSeq: 6 }, load)).toBe(
      latest,
    );
    expect(
      await queries.lastMessageFor(actor, conversation({}), { historyFromSeq: 7 }, load),
    ).toBeNull();
    expect(
      await queries.lastMessageFor(
        actor,
        conversation({ lastMessageId: 'gone' }),
        { historyFromSeq: 0 },
        load,
      ),
    ).toBeNull();
  });

  it('shows nothing without a message, and nothing to a former member of a channel', async () => {
    loaded.length = 0;
    formerAsked.length = 0;
    expect(
      await queries.lastMessageFor(actor, conversation({ lastMessageId: null }), null, load),
    ).toBeNull();
    expect(
      await queries.lastMessageFor(actor, conversation({ kind: 'CHANNEL' }), null, load),
    ).toBeNull();
    expect(loaded).toEqual([]);
    expect(formerAsked).toEqual([]);
  });

  it("asks a former member's own history of a group or direct chat, not the latest message", async () => {
    loaded.length = 0;
    formerAsked.length = 0;
    for (const kind of ['GROUP', 'DIRECT'] as const)
      expect(await queries.lastMessageFor(actor, conversation({ kind }), null, load)).toBeNull();
    expect(formerAsked).toEqual(['c1', 'c1']);
    expect(loaded).toEqual([]);
  });
});
