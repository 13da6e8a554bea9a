import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainError, forbidden, invalid, notFound } from '../shared/domain-error';
import { isWellFormedId, TenantId, UserId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { UserRepository } from '../identity/user.repository';
import { TenantRepository } from '../tenancy/tenant.repository';
import { RateLimiter } from '../limits/rate-limiter.port';
import { enforceWriteLimit } from '../limits/write-limit';
import { RealtimePublisher } from '../events/realtime-publisher';
import { ConversationRepository, MemberMutation } from '../messaging/conversation.repository';
import { CreateConversations } from '../messaging/conversations/conversations.use-cases';
import { TenantPermission, tenantPermissionsOf, tenantRoleCan } from './permissions';
import { TENANT_ROLES, TenantRole, TenantRoleGrant } from './tenant-role';
import { TenantRoleRepository } from './tenant-role.repository';
import { AuditTrail } from './audit-trail';

/** A user's own standing in their tenant, as the web app shows it. */
export interface TenantAccess {
  role: TenantRole | null;
  permissions: readonly TenantPermission[];
}

/**
 * Granting and revoking tenant roles: operators grant any role in any tenant (the first owner
 * comes from them); a tenant's owners manage owners and admins of their own tenant. A tenant
 * owner also owns the tenant's `general` channel, so someone can always moderate and rename it.
 */
@UseCase()
export class ManageTenantRoles {
  constructor(
    private readonly roles: TenantRoleRepository,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly conversations: ConversationRepository,
    private readonly creator: CreateConversations,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  /** Operators only (the caller checked the operator credential): any tenant, any role. */
  async setAsOperator(
    tenantId: string,
    userId: string,
    role: TenantRole | null,
  ): Promise<TenantRoleGrant | null> {
    if (typeof tenantId !== 'string' || !(await this.tenants.findById(tenantId)))
      throw notFound('tenant');
    return this.apply(tenantId, userId, checkRole(role), null);
  }

  /**
   * A tenant user changes someone's role: owners grant and revoke both roles; nobody else may.
   * The last owner cannot step down (LAST_OWNER): an operator or another owner must be there.
   */
  async set(
    actor: Actor,
    userId: string,
    role: TenantRole | null,
  ): Promise<TenantRoleGrant | null> {
    const wanted = checkRole(role);
    const mine = await this.roles.find(actor.tenantId, actor.userId);
    const current = isWellFormedId(userId) ? await this.roles.find(actor.tenantId, userId) : null;
    const touchesOwners = wanted === 'OWNER' || current?.role === 'OWNER';
    const needed: TenantPermission = touchesOwners
      ? 'tenant.owners.manage'
      : 'tenant.admins.manage';
    if (!tenantRoleCan(mine?.role ?? null, needed))
      throw forbidden(
        touchesOwners
          ? 'only tenant owners can grant or take ownership'
          : 'only tenant owners can appoint tenant admins',
      );
    await enforceWriteLimit(this.limiter, this.settings, actor);
    if (
      current?.role === 'OWNER' &&
      wanted !== 'OWNER' &&
      (await this.roles.countWithRole(actor.tenantId, 'OWNER')) <= 1
    )
      throw new DomainError(
        'LAST_OWNER',
        'the last tenant owner must make someone else owner first',
      );
    return this.apply(actor.tenantId, userId, wanted, actor.userId);
  }

  /** The caller's own role and what it allows. */
  async mine(actor: Actor): Promise<TenantAccess> {
    const grant = await this.roles.find(actor.tenantId, actor.userId);
    const role = grant?.role ?? null;
    return { role, permissions: tenantPermissionsOf(role) };
  }

  /** Who holds which role in the caller's tenant: for its owners and admins. */
  async list(actor: Actor): Promise<TenantRoleGrant[]> {
    const mine = await this.roles.find(actor.tenantId, actor.userId);
    if (!tenantRoleCan(mine?.role ?? null, 'tenant.roles.read'))
      throw forbidden('only tenant owners and admins can see tenant roles');
    return this.roles.list(actor.tenantId);
  }

  /** Operators only: the roles of any tenant. */
  async listAsOperator(tenantId: string): Promise<TenantRoleGrant[]> {
    if (typeof tenantId !== 'string' || !(await this.tenants.findById(tenantId)))
      throw notFound('tenant');
    return this.roles.list(tenantId);
  }

  private async apply(
    tenantId: TenantId,
    userId: string,
    role: TenantRole | null,
    grantedBy: UserId | null,
  ): Promise<TenantRoleGrant | null> {
    const user = isWellFormedId(userId) ? await this.users.findById(tenantId, userId) : null;
    if (!user) throw notFound('user');
    const current = await this.roles.find(tenantId, user.id);
    if ((current?.role ?? null) !== role)
      await this.audit.record({
        tenantId,
        actorId: grantedBy,
        action: 'TENANT_ROLE_CHANGED',
        targetUserId: user.id,
        details: { role, previous: current?.role ?? null },
      });
    if (role === null) {
      await this.roles.remove(tenantId, user.id);
      return null;
    }
    const grant =
      current?.role === role
        ? current
        : await this.roles.set({
            tenantId,
            userId: user.id,
            role,
            grantedBy,
            grantedAt: this.clock.now(),
          });
    if (role === 'OWNER') await this.ownGeneralChannel(tenantId, user.id, grantedBy);
    return grant;
  }

  /** Tenant owners own `general`: joined as OWNER, or promoted when already a member. */
  private async ownGeneralChannel(
    tenantId: TenantId,
    userId: UserId,
    by: UserId | null,
  ): Promise<void> {
    const general = await this.creator.ensureGeneralChannel(tenantId);
    const member = await this.conversations.getMember(tenantId, general.id, userId);
    if (member?.role === 'OWNER') return;
    const now = this.clock.now();
    const mutations: MemberMutation[] = member
      ? [
          await this.conversations.setRole(
            tenantId,
            general.id,
            userId,
            'OWNER',
            now,
            by ?? undefined,
          ),
        ].filter((m): m is MemberMutation => m !== null)
      : await this.conversations.addMembers(
          tenantId,
          general.id,
          [{ userId, role: 'OWNER' }],
          now,
          by ?? undefined,
        );
    if (mutations.length === 0) return;
    const after = (await this.conversations.findById(tenantId, general.id)) ?? general;
    for (const mutation of mutations) await this.publisher.logged(after, mutation.event);
  }
}

function checkRole(role: TenantRole | null | undefined): TenantRole | null {
  if (role === null || role === undefined) return null;
  if (!TENANT_ROLES.includes(role)) throw invalid('role', 'unknown tenant role');
  return role;
}
