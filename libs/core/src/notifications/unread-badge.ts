import { ConversationRepository } from '../messaging/conversation.repository';
import { MessageRepository } from '../messaging/message.repository';
import { Clock } from '../shared/clock';
import { DomainService } from '../shared/domain-service';
import { TenantId, UserId } from '../shared/ids';
import { NotificationRepository } from './notification.repository';

/** Conversations looked at (most recent activity first), and the largest count reported. */
const CONVERSATIONS_READ = 200;
const PAGE = 100;
export const MAX_BADGE = 999;

/**
 * The number an app badge shows: the user's unread messages (not their own, not deleted) over
 * their conversations, leaving out muted ones (muted as a member, or snoozed in the notification
 * settings). Reads the most recent conversations only and stops at MAX_BADGE; only conversations
 * with something unread cost a count.
 */
@DomainService()
export class UnreadBadge {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly notifications: NotificationRepository,
    private readonly clock: Clock,
  ) {}

  async count(tenantId: TenantId, userId: UserId): Promise<number> {
    const now = this.clock.now().getTime();
    let total = 0;
    let after: string | null = null;
    for (let read = 0; read < CONVERSATIONS_READ; read += PAGE) {
      const page = await this.conversations.listForUser(tenantId, userId, { first: PAGE, after });
      for (const { conversation, member } of page.items) {
        if (member.muted || conversation.lastSeq <= member.readSeq) continue;
        const override = await this.notifications.getOverride(tenantId, userId, conversation.id);
        if (override.mutedUntil && override.mutedUntil.getTime() > now) continue;
        total += await this.messages.countUnread(tenantId, conversation.id, userId, member.readSeq);
        if (total >= MAX_BADGE) return MAX_BADGE;
      }
      if (!page.hasNextPage || page.cursors.length === 0) break;
      after = page.cursors[page.cursors.length - 1]!;
    }
    return total;
  }
}
