import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { forbidden, invalid, notFound } from '../shared/domain-error';
import { isWellFormedId, TenantId, UserId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { checkOptionalText } from '../shared/text';
import { UseCase } from '../shared/use-case';
import { SessionRepository } from '../identity/session.repository';
import { Authenticate } from '../identity/tokens/authenticate.use-case';
import { UserRepository } from '../identity/user.repository';
import { TenantRepository } from '../tenancy/tenant.repository';
import { RateLimiter } from '../limits/rate-limiter.port';
import { enforceWriteLimit } from '../limits/write-limit';
import { RealtimePublisher } from '../events/realtime-publisher';
import { Conversation } from '../messaging/conversation';
import { ConversationRepository } from '../messaging/conversation.repository';
import { MessageRepository } from '../messaging/message.repository';
import { AttachmentLifecycle } from '../media/attachment-lifecycle.use-cases';
import { AccountStanding } from './account-standing';
import { tenantRoleCan } from './permissions';
import { SanctionKind, UserSanction } from './sanction';
import { SanctionRepository } from './sanction.repository';
import { TenantRoleRepository } from './tenant-role.repository';
import { AuditTrail } from './audit-trail';

/** Longest suspension: a year. Longer than that is a ban. */
export const MAX_SUSPENSION_MS = 366 * 86_400_000;
export const MAX_REASON_LENGTH = 500;
const WIPE_BATCH = 100;
const MAX_SANCTIONS_LISTED = 100;

export interface BanResult {
  sanction: UserSanction;
  /** How many of the user's messages were tombstoned (0 unless asked to remove them). */
  removedMessages: number;
}

/** Who acts: a tenant user (checked against their tenant role) or an operator. */
type Moderator = { kind: 'user'; actor: Actor } | { kind: 'operator'; tenantId: TenantId };

/**
 * Suspending and banning users. Tenant owners and admins (`users.moderate`) sanction members of
 * their tenant; only owners sanction admins; nobody in the tenant sanctions an owner (operators
 * can). A sanction takes effect at once: the user's sessions are revoked, their sockets close
 * (ACCOUNT_SUSPENDED on their topic), every further request and sign-in is refused.
 */
@UseCase()
export class ModerateUsers {
  constructor(
    private readonly roles: TenantRoleRepository,
    private readonly sanctions: SanctionRepository,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly sessions: SessionRepository,
    private readonly messages: MessageRepository,
    private readonly conversations: ConversationRepository,
    private readonly lifecycle: AttachmentLifecycle,
    private readonly publisher: RealtimePublisher,
    private readonly auth: Authenticate,
    private readonly standing: AccountStanding,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  suspend(
    actor: Actor,
    userId: string,
    input: { until: Date; reason?: string | null },
  ): Promise<UserSanction> {
    return this.impose({ kind: 'user', actor }, userId, 'SUSPENDED', input.until, input.reason);
  }

  /** Bans the user; with `removeMessages`, also tombstones every message they sent in the tenant. */
  ban(
    actor: Actor,
    userId: string,
    input: { reason?: string | null; removeMessages?: boolean | null },
  ): Promise<BanResult> {
    return this.banAs({ kind: 'user', actor }, userId, input);
  }

  async lift(actor: Actor, userId: string): Promise<boolean> {
    const target = await this.authorize({ kind: 'user', actor }, userId);
    return this.liftFor(actor.tenantId, target, actor.userId);
  }

  /** The tenant's sanctions, most recent first, for its owners and admins. */
  async list(actor: Actor): Promise<UserSanction[]> {
    await this.requirePermission(actor);
    return this.sanctions.list(actor.tenantId, MAX_SANCTIONS_LISTED);
  }

  /** Operators only (the caller checked the operator credential): any user of any tenant. */
  banAsOperator(
    tenantId: string,
    userId: string,
    input: { reason?: string | null; removeMessages?: boolean | null },
  ): Promise<BanResult> {
    return this.banAs({ kind: 'operator', tenantId }, userId, input);
  }

  async liftAsOperator(tenantId: string, userId: string): Promise<boolean> {
    const target = await this.authorize({ kind: 'operator', tenantId }, userId);
    return this.liftFor(tenantId, target, null);
  }

  private async liftFor(tenantId: TenantId, userId: UserId, by: UserId | null): Promise<boolean> {
    const lifted = await this.sanctions.remove(tenantId, userId);
    this.standing.forget(tenantId, userId);
    if (lifted)
      await this.audit.record({
        tenantId,
        actorId: by,
        action: 'SANCTION_LIFTED',
        targetUserId: userId,
      });
    return lifted;
  }

  private async banAs(
    who: Moderator,
    userId: string,
    input: { reason?: string | null; removeMessages?: boolean | null },
  ): Promise<BanResult> {
    const sanction = await this.impose(who, userId, 'BANNED', null, input.reason);
    const removedMessages = input.removeMessages
      ? await this.removeMessages(sanction.tenantId, sanction.userId)
      : 0;
    if (input.removeMessages)
      await this.audit.record({
        tenantId: sanction.tenantId,
        actorId: sanction.by,
        action: 'MESSAGES_REMOVED',
        targetUserId: sanction.userId,
        reason: sanction.reason,
        details: { count: removedMessages },
      });
    return { sanction, removedMessages };
  }

  private async impose(
    who: Moderator,
    userId: string,
    kind: SanctionKind,
    until: Date | null,
    reason: string | null | undefined,
  ): Promise<UserSanction> {
    const now = this.clock.now();
    if (kind === 'SUSPENDED') {
      if (!(until instanceof Date) || Number.isNaN(until.getTime()))
        throw invalid('until', 'until must be a date');
      if (until <= now) throw invalid('until', 'a suspension must end in the future');
      if (until.getTime() - now.getTime() > MAX_SUSPENSION_MS)
        throw invalid('until', 'a suspension lasts at most a year; ban the user instead');
    }
    const why = checkOptionalText('reason', reason, MAX_REASON_LENGTH) ?? null;
    const target = await this.authorize(who, userId);
    const tenantId = who.kind === 'user' ? who.actor.tenantId : who.tenantId;
    if (who.kind === 'user') await enforceWriteLimit(this.limiter, this.settings, who.actor);
    const sanction = await this.sanctions.set({
      tenantId,
      userId: target,
      kind,
      until: kind === 'SUSPENDED' ? until : null,
      reason: why,
      by: who.kind === 'user' ? who.actor.userId : null,
      at: now,
    });
    await this.audit.record({
      tenantId,
      actorId: sanction.by,
      action: kind === 'BANNED' ? 'USER_BANNED' : 'USER_SUSPENDED',
      targetUserId: target,
      reason: why,
      details: { until: sanction.until?.toISOString() ?? null },
    });
    await this.shutOut(tenantId, target, now);
    return sanction;
  }

  /** Revokes the user's sessions, drops cached verifications here and closes their sockets everywhere. */
  private async shutOut(tenantId: TenantId, userId: UserId, now: Date): Promise<void> {
    this.standing.forget(tenantId, userId);
    this.auth.forgetUser(tenantId, userId);
    const revoked = await this.sessions.revokeUserSessions(tenantId, userId, now);
    for (const sessionId of revoked) this.auth.forgetSession(sessionId);
    await this.publisher.toUser(userId, { type: 'ACCOUNT_SUSPENDED', tenantId, userId });
  }

  /** Tombstones the user's messages batch by batch; each is a delete event like any other. */
  private async removeMessages(tenantId: TenantId, userId: UserId): Promise<number> {
    const conversations = new Map<string, Conversation | null>();
    const tried = new Set<string>();
    let removed = 0;
    for (;;) {
      const ids = (await this.messages.listLiveIdsBySender(tenantId, userId, WIPE_BATCH)).filter(
        (id) => !tried.has(id),
      );
      if (ids.length === 0) return removed;
      for (const id of ids) {
        tried.add(id);
        const mutation = await this.messages.tombstone(tenantId, id, this.clock.now());
        if (!mutation) continue;
        removed++;
        await this.lifecycle.messageDeleted(tenantId, id);
        const conversationId = mutation.message.conversationId;
        if (!conversations.has(conversationId))
          conversations.set(
            conversationId,
            await this.conversations.findById(tenantId, conversationId),
          );
        const conversation = conversations.get(conversationId);
        if (conversation)
          await this.publisher.logged(conversation, mutation.event, mutation.message);
      }
    }
  }

  /** The target's id when the moderator may sanction them; NOT_FOUND outside the tenant. */
  private async authorize(who: Moderator, userId: string): Promise<UserId> {
    const tenantId = who.kind === 'user' ? who.actor.tenantId : who.tenantId;
    if (who.kind === 'operator' && !(await this.tenants.findById(tenantId)))
      throw notFound('tenant');
    if (who.kind === 'user') await this.requirePermission(who.actor);
    const user = isWellFormedId(userId) ? await this.users.findById(tenantId, userId) : null;
    if (!user) throw notFound('user');
    if (who.kind === 'operator') return user.id;
    if (user.id === who.actor.userId) throw invalid('userId', 'you cannot sanction yourself');
    const [mine, theirs] = await Promise.all([
      this.roles.find(tenantId, who.actor.userId),
      this.roles.find(tenantId, user.id),
    ]);
    if (theirs?.role === 'OWNER')
      throw forbidden('tenant owners can only be sanctioned by an operator');
    if (theirs?.role === 'ADMIN' && !tenantRoleCan(mine?.role ?? null, 'tenant.admins.manage'))
      throw forbidden('only tenant owners can sanction tenant admins');
    return user.id;
  }

  private async requirePermission(actor: Actor): Promise<void> {
    const mine = await this.roles.find(actor.tenantId, actor.userId);
    if (!tenantRoleCan(mine?.role ?? null, 'users.moderate'))
      throw forbidden('only tenant owners and admins can suspend or ban users');
  }
}
