import { BlockRepository } from '../identity/contact.repository';
import { UserRepository } from '../identity/user.repository';
import { MENTION_TOKEN } from '../messaging/mention-syntax';
import { ConversationRepository } from '../messaging/conversation.repository';
import { MessageRepository } from '../messaging/message.repository';
import { Message } from '../messaging/message';
import { Clock } from '../shared/clock';
import { DomainService } from '../shared/domain-service';
import { TenantId, UserId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import {
  DIGEST_MAX_CONVERSATIONS,
  DIGEST_PREVIEWS,
  DigestSection,
  renderDigestEmail,
} from './digest-email';
import { signUnsubscribeToken } from './email-tokens';
import { MailSender } from './mail-sender.port';
import { effectiveLevel, inQuietHours, isMuted } from './notification-policy';
import { NotificationRepository } from './notification.repository';
import { defaultNotificationDefaults } from './notification-settings';
import { ScheduleEmailDigests } from './schedule-email-digests';

/** Conversations looked at (most recent activity first), a page at a time. */
const CONVERSATIONS_READ = 200;
const PAGE = 100;
/** Unread messages read per conversation to pick the previews from. */
const RECENT_READ = 20;

/** What became of a DIGEST job (logs, tests). */
export type DigestOutcome =
  | { sent: true; conversations: number }
  | { sent: false; reason: 'OFF' | 'QUIET_HOURS' | 'NOTHING_UNREAD' };

/**
 * Sends a user's e-mail digest when it is due: their conversations with messages still unread
 * that arrived since the last digest, as the notification policy allows now (muted ones and
 * levels that exclude them are left out; at MENTIONS only conversations with an unread mention
 * count; blocked senders are not previewed). Nothing unread: no mail. During quiet hours the
 * digest waits another period. Previews leave message text out when the tenant's
 * `omitMessageText` option is on. A failed send throws so the queue retries.
 */
@DomainService()
export class SendEmailDigest {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly users: UserRepository,
    private readonly blocks: BlockRepository,
    private readonly mail: MailSender,
    private readonly schedule: ScheduleEmailDigests,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async run(tenantId: TenantId, userId: UserId): Promise<DigestOutcome> {
    const email = await this.notifications.getNotificationEmail(tenantId, userId);
    if (!email?.verified || !email.digestEnabled || !this.mail.configured()) {
      await this.notifications.digestDone(tenantId, userId, null);
      return { sent: false, reason: 'OFF' };
    }
    const now = this.clock.now();
    const defaults =
      (await this.notifications.getDefaults(tenantId, userId)) ??
      defaultNotificationDefaults(this.settings.notifyDelaySeconds);
    if (inQuietHours(defaults.quietHours, defaults.timeZone, now)) {
      await this.notifications.digestDone(tenantId, userId, null);
      await this.schedule.queueDigest(tenantId, userId, email.lastDigestAt);
      return { sent: false, reason: 'QUIET_HOURS' };
    }
    const since = email.lastDigestAt?.getTime() ?? 0;
    const omitText = (await this.notifications.getTenantOptions(tenantId)).omitMessageText;
    const sections: DigestSection[] = [];
    const names = new Map<string, string>();
    let after: string | null = null;
    for (let read = 0; read < CONVERSATIONS_READ; read += PAGE) {
      const page = await this.conversations.listForUser(tenantId, userId, { first: PAGE, after });
      for (const { conversation, member } of page.items) {
        if (sections.length >= DIGEST_MAX_CONVERSATIONS) break;
        if (conversation.lastSeq <= member.readSeq) continue;
        const override = await this.notifications.getOverride(tenantId, userId, conversation.id);
        if (isMuted(override, member.muted, now)) continue;
        const level = effectiveLevel(defaults, override, conversation.kind, member.muted, now);
        if (level === 'NONE') continue;
        if (
          level === 'MENTIONS' &&
          (await this.messages.countUnreadMentions(
            tenantId,
            conversation.id,
            userId,
            member.readSeq,
          )) === 0
        )
          continue;
        const recent = (
          await this.messages.listBySeq(tenantId, conversation.id, {
            afterSeq: member.readSeq,
            limit: RECENT_READ,
            direction: 'backward',
          })
        ).filter((m) => m.senderId !== userId && !m.deletedAt);
        const shown: Message[] = [];
        for (const m of recent) {
          if (shown.length >= DIGEST_PREVIEWS) break;
          if (!(await this.blocks.isBlockedEitherWay(tenantId, m.senderId, userId))) shown.push(m);
        }
        // Only what is new since the last digest: a conversation left unread is not sent again.
        if (shown.length === 0 || shown[0]!.createdAt.getTime() <= since) continue;
        const unread = await this.messages.countUnread(
          tenantId,
          conversation.id,
          userId,
          member.readSeq,
        );
        await this.learnNames(tenantId, shown, names);
        const from = names.get(shown[0]!.senderId) ?? 'Someone';
        sections.push({
          conversationName:
            conversation.title ??
            (conversation.kind === 'DIRECT' ? `Direct message from ${from}` : 'Conversation'),
          unreadCount: unread,
          previews: shown.reverse().map((m) => ({
            senderName: names.get(m.senderId) ?? 'Someone',
            text: omitText ? null : this.readable(m.body ?? '', names),
            attachmentOnly: (m.body ?? '') === '',
          })),
        });
      }
      if (sections.length >= DIGEST_MAX_CONVERSATIONS) break;
      if (!page.hasNextPage || page.cursors.length === 0) break;
      after = page.cursors[page.cursors.length - 1]!;
    }
    if (sections.length === 0) {
      await this.notifications.digestDone(tenantId, userId, null);
      return { sent: false, reason: 'NOTHING_UNREAD' };
    }
    const token = signUnsubscribeToken(this.settings.jwtSecret, {
      tenantId,
      userId,
      address: email.address,
    });
    const base = (this.settings.emailLinkBaseUrl || this.settings.publicUrl).replace(/\/+$/, '');
    await this.mail.send(
      renderDigestEmail({
        to: email.address,
        sections,
        appUrl: this.settings.publicUrl,
        unsubscribeUrl: `${base}/email/unsubscribe?token=${encodeURIComponent(token)}`,
      }),
    );
    await this.notifications.digestDone(tenantId, userId, now);
    return { sent: true, conversations: sections.length };
  }

  private async learnNames(
    tenantId: TenantId,
    messages: Message[],
    names: Map<string, string>,
  ): Promise<void> {
    const ids = new Set<string>();
    for (const m of messages) {
      ids.add(m.senderId);
      for (const id of m.mentions) ids.add(id);
    }
    const missing = [...ids].filter((id) => !names.has(id));
    if (missing.length === 0) return;
    for (const user of await this.users.findByIds(tenantId, missing)) names.set(user.id, user.name);
  }

  /** Mention tokens as `@name`. */
  private readable(body: string, names: Map<string, string>): string {
    return body.replace(MENTION_TOKEN, (_, id: string) => `@${names.get(id) ?? 'someone'}`);
  }
}
