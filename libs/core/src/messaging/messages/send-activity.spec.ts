import { describe, expect, it, vi } from 'vitest';
import { InMemoryRateLimiter } from '../../memory/in-memory-rate-limiter';
import { SystemClock } from '../../shared/clock';
import { CoreSettings } from '../../shared/settings';
import type { BlockRepository } from '../../identity/contact.repository';
import type { ManageContacts } from '../../identity/contacts/contacts.use-cases';
import type { RealtimePublisher } from '../../events/realtime-publisher';
import type { UserActivity } from '../../events/user-activity.port';
import type { Conversation } from '../conversation';
import type { ConversationAccess } from '../conversation-access';
import type { Message } from '../message';
import type { MessageRepository } from '../message.repository';
import type { ResolveMentions } from '../mentions/resolve-mentions';
import type { AttachmentAccess } from '../../media/attachment-access.use-cases';
import type { AttachmentLifecycle } from '../../media/attachment-lifecycle.use-cases';
import { SilentMessageNotifier } from '../message-notifier.port';
import type { ConversationModeration } from '../../moderation/conversation-moderation';
import type { AuditTrail } from '../../moderation/audit-trail';
import type { TenantSafety } from '../../safety/tenant-safety';
import type { ThreadActivity } from '../threads/thread-activity';
import { SendMessages } from './messages.use-cases';
import type { PollRepository } from '../polls/poll.repository';

const actor = { tenantId: 't1', userId: 'ann', sessionId: null };
const group = { id: 'c1', tenantId: 't1', kind: 'GROUP', uniqueKey: null } as Conversation;

function sendMessages(active: () => Promise<void>, append: MessageRepository['append']) {
  return new SendMessages(
    { append } as unknown as MessageRepository,
    { member: async () => ({ conversation: group, member: {} }) } as unknown as ConversationAccess,
    {} as BlockRepository,
    {} as ManageContacts,
    { logged: async () => undefined } as unknown as RealtimePublisher,
    new InMemoryRateLimiter(),
    new CoreSettings(),
    new SystemClock(),
    { resolve: async () => ({ userIds: [], all: false }) } as unknown as ResolveMentions,
    { reserve: async () => [], bind: async () => undefined } as unknown as AttachmentAccess,
    {} as AttachmentLifecycle,
    { active } as unknown as UserActivity,
    new SilentMessageNotifier(),
    {} as ConversationModeration,
    {} as AuditTrail,
    { filter: async (_t: string, _f: string, text: string) => text } as unknown as TenantSafety,
    {} as ThreadActivity,
    {} as PollRepository,
  );
}

const input = { conversationId: 'c1', clientMessageId: 'k1', body: 'hello' };

describe('SendMessages.send: sending is activity', () => {
  it('marks the sender active once the message is stored', async () => {
    const active = vi.fn(async () => undefined);
    const append = vi.fn(async (m: Omit<Message, 'seq' | 'editedAt' | 'deletedAt'>) => ({
      message: { ...m, seq: 1, editedAt: null, deletedAt: null } as Message,
      created: true,
      event: null,
    }));
    const { message } = await sendMessages(active, append as never).send(actor, input);
    expect(message.body).toBe('hello');
    expect(active).toHaveBeenCalledWith(actor);
  });

  it('still answers when presence fails, and does not mark activity for a refused send', async () => {
    const failing = vi.fn(async () => {
      throw new Error('presence store down');
    });
    const append = vi.fn(async (m: Omit<Message, 'seq' | 'editedAt' | 'deletedAt'>) => ({
      message: { ...m, seq: 1, editedAt: null, deletedAt: null } as Message,
      created: true,
      event: null,
    }));
    await expect(sendMessages(failing, append as never).send(actor, input)).resolves.toBeTruthy();

    const active = vi.fn(async () => undefined);
    await expect(
      sendMessages(active, append as never).send(actor, { ...input, body: '' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(active).not.toHaveBeenCalled();
  });
});
