import { describe, expect, it, vi } from 'vitest';
import { InMemoryRateLimiter } from '../../memory/in-memory-rate-limiter';
import { CoreSettings } from '../../shared/settings';
import type { Conversation, ConversationKind, Member } from '../conversation';
import type { ConversationRepository } from '../conversation.repository';
import type { ConversationAccess } from '../conversation-access';
import { ConversationQueries } from './conversations.use-cases';

const actor = { tenantId: 't1', userId: 'ann', sessionId: null };
const conversation = (kind: ConversationKind) =>
  ({ id: 'c1', tenantId: 't1', kind }) as Conversation;
const member = { userId: 'ann', role: 'MEMBER' } as Member;
const page = { items: [member], cursors: ['x'], hasNextPage: false };

function queries() {
  const listMembers = vi.fn(async () => page);
  const repository = { listMembers } as unknown as ConversationRepository;
  const q = new ConversationQueries(
    repository,
    {} as ConversationAccess,
    new InMemoryRateLimiter(),
    new CoreSettings(),
  );
  return { q, listMembers };
}

describe('ConversationQueries.members: who sees a member list', () => {
  it("shows a public channel's members to anyone of the tenant, without reading a membership", async () => {
    const { q, listMembers } = queries();
    const myMembership = vi.fn(async () => null);
    expect(await q.members(actor, conversation('CHANNEL'), 10, null, myMembership)).toEqual(page);
    expect(myMembership).not.toHaveBeenCalled();
    expect(listMembers).toHaveBeenCalledWith('t1', 'c1', { first: 10, after: null });
  });

  it.each<ConversationKind>(['GROUP', 'DIRECT'])(
    'shows a %s conversation’s members to its members only',
    async (kind) => {
      const { q, listMembers } = queries();
      const none = await q.members(actor, conversation(kind), 10, null, async () => null);
      expect(none).toEqual({ items: [], cursors: [], hasNextPage: false });
      expect(listMembers).not.toHaveBeenCalled();
      expect(await q.members(actor, conversation(kind), 10, null, async () => member)).toEqual(
        page,
      );
      expect(listMembers).toHaveBeenCalledTimes(1);
    },
  );
});
