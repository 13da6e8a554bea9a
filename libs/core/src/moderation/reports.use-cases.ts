import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { RealtimePublisher } from '../events/realtime-publisher';
import { invalid, notFound } from '../shared/domain-error';
import { isWellFormedId, newId, UserId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { checkOptionalText } from '../shared/text';
import { UseCase } from '../shared/use-case';
import { UserRepository } from '../identity/user.repository';
import { RateLimiter } from '../limits/rate-limiter.port';
import { enforceWriteLimit } from '../limits/write-limit';
import { ConversationAccess } from '../messaging/conversation-access';
import { MessageRepository } from '../messaging/message.repository';
import { SendMessages } from '../messaging/messages/messages.use-cases';
import { ConversationModeration } from './conversation-moderation';
import { ModerateUsers } from './moderate-users.use-cases';
import { tenantRoleCan } from './permissions';
import { Report, ReportOutcome } from './report';
import { ReportRepository } from './report.repository';
import { TenantRoleRepository } from './tenant-role.repository';

export const MAX_REPORT_NOTE = 500;
/** The queue reads at most this many open reports at once. */
const QUEUE_LIMIT = 500;

/** What a moderator does about the reports on one user. */
export type ReportAction = 'DISMISS' | 'DELETE' | 'SUSPEND' | 'BAN';
export const REPORT_ACTIONS: readonly ReportAction[] = ['DISMISS', 'DELETE', 'SUSPEND', 'BAN'];

/** The open reports about one user that a moderator may act on. */
export interface ReportGroup {
  targetUserId: UserId;
  reports: Report[];
}

/**
 * Reports: any user reports a message they can see, or another user of their tenant, with a
 * reason from the configured list. Tenant owners and admins (`reports.review`) see every open
 * report; moderators of a conversation see those on its messages. The queue groups reports by the
 * reported user; acting on a group resolves its reports with the outcome the reporter then sees.
 */
@UseCase()
export class Reports {
  constructor(
    private readonly reports: ReportRepository,
    private readonly messages: MessageRepository,
    private readonly users: UserRepository,
    private readonly access: ConversationAccess,
    private readonly moderation: ConversationModeration,
    private readonly roles: TenantRoleRepository,
    private readonly sender: SendMessages,
    private readonly moderateUsers: ModerateUsers,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly publisher: RealtimePublisher,
  ) {}

  reasons(): readonly string[] {
    return this.settings.reportReasons;
  }

  async report(
    actor: Actor,
    input: {
      messageId?: string | null;
      userId?: string | null;
      reason: string;
      note?: string | null;
    },
  ): Promise<Report> {
    if (!this.settings.reportReasons.includes(input.reason))
      throw invalid('reason', `reason must be one of: ${this.settings.reportReasons.join(', ')}`);
    const note = checkOptionalText('note', input.note, MAX_REPORT_NOTE) ?? null;
    const hasMessage = input.messageId !== null && input.messageId !== undefined;
    const hasUser = input.userId !== null && input.userId !== undefined;
    if (hasMessage === hasUser) throw invalid('messageId', 'report either a message or a user');
    let targetUserId: UserId;
    let conversationId: string | null = null;
    let messageId: string | null = null;
    if (hasMessage) {
      const message = isWellFormedId(input.messageId)
        ? await this.messages.findById(actor.tenantId, input.messageId)
        : null;
      const visible = message ? await this.access.visible(actor, message.conversationId) : null;
      if (!message || !visible) throw notFound('message');
      if (message.senderId === actor.userId)
        throw invalid('messageId', 'you cannot report your own message');
      targetUserId = message.senderId;
      conversationId = message.conversationId;
      messageId = message.id;
    } else {
      const user = isWellFormedId(input.userId)
        ? await this.users.findById(actor.tenantId, input.userId)
        : null;
      if (!user) throw notFound('user');
      if (user.id === actor.userId) throw invalid('userId', 'you cannot report yourself');
      targetUserId = user.id;
    }
    await enforceWriteLimit(this.limiter, this.settings, actor);
    return this.reports.create({
      id: newId(),
      tenantId: actor.tenantId,
      reporterId: actor.userId,
      targetUserId,
      messageId,
      conversationId,
      reason: input.reason,
      note,
      status: 'OPEN',
      outcome: null,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: this.clock.now(),
    });
  }

  /** The caller's own reports with what became of them, newest first. */
  mine(actor: Actor): Promise<Report[]> {
    return this.reports.listByReporter(actor.tenantId, actor.userId, 100);
  }

  /** Open reports the caller may act on, grouped by reported user (most reported first). */
  async queue(actor: Actor): Promise<ReportGroup[]> {
    const visible = await this.visibleOpen(actor);
    const groups = new Map<UserId, Report[]>();
    for (const r of visible) groups.set(r.targetUserId, [...(groups.get(r.targetUserId) ?? []), r]);
    return [...groups]
      .map(([targetUserId, reports]) => ({ targetUserId, reports }))
      .sort(
        (a, b) =>
          b.reports.length - a.reports.length ||
          a.reports[0]!.createdAt.getTime() - b.reports[0]!.createdAt.getTime(),
      );
  }

  /**
   * Acts on the open reports about `userId` the caller may see: DISMISS them; DELETE their
   * reported messages; SUSPEND or BAN the user (tenant owners and admins). Returns the reports
   * resolved now.
   */
  async act(
    actor: Actor,
    input: {
      userId: string;
      action: ReportAction;
      until?: Date | null;
      reason?: string | null;
      removeMessages?: boolean | null;
    },
  ): Promise<Report[]> {
    if (!REPORT_ACTIONS.includes(input.action)) throw invalid('action', 'unknown action');
    const group = (await this.visibleOpen(actor)).filter((r) => r.targetUserId === input.userId);
    if (group.length === 0) throw notFound('report');
    let outcome: ReportOutcome;
    switch (input.action) {
      case 'DISMISS':
        outcome = 'DISMISSED';
        break;
      case 'DELETE':
        for (const r of group) if (r.messageId) await this.sender.delete(actor, r.messageId);
        outcome = 'MESSAGE_DELETED';
        break;
      case 'SUSPEND':
        await this.moderateUsers.suspend(actor, input.userId, {
          until: input.until as Date,
          reason: input.reason,
        });
        outcome = 'USER_SUSPENDED';
        break;
      case 'BAN':
        await this.moderateUsers.ban(actor, input.userId, {
          reason: input.reason,
          removeMessages: input.removeMessages,
        });
        outcome = 'USER_BANNED';
        break;
    }
    const resolved = await this.reports.resolve(
      actor.tenantId,
      group.map((r) => r.id),
      outcome,
      actor.userId,
      this.clock.now(),
    );
    // Each reporter is told the outcome live, on their own devices.
    for (const report of resolved)
      await this.publisher.toUser(report.reporterId, {
        type: 'REPORT_RESOLVED',
        tenantId: actor.tenantId,
        userId: report.reporterId,
        report,
      });
    return resolved;
  }

  private async visibleOpen(actor: Actor): Promise<Report[]> {
    const open = await this.reports.listOpen(actor.tenantId, QUEUE_LIMIT);
    const mine = await this.roles.find(actor.tenantId, actor.userId);
    if (tenantRoleCan(mine?.role ?? null, 'reports.review')) return open;
    // Conversation moderators see the reports on messages of conversations they moderate.
    const moderates = new Map<string, boolean>();
    for (const r of open) {
      if (!r.conversationId || moderates.has(r.conversationId)) continue;
      const visible = await this.access.visible(actor, r.conversationId);
      moderates.set(
        r.conversationId,
        visible !== null &&
          (await this.moderation.can(
            actor,
            visible.conversation,
            visible.member,
            'messages.delete.any',
          )),
      );
    }
    return open.filter((r) => r.conversationId !== null && moderates.get(r.conversationId));
  }
}
