import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, forbidden, invalid } from '../../shared/domain-error';
import { isWellFormedId, newId } from '../../shared/ids';
import { checkText } from '../../shared/text';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { AuditTrail } from '../../moderation/audit-trail';
import { tenantRoleCan } from '../../moderation/permissions';
import { TenantRoleRepository } from '../../moderation/tenant-role.repository';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { TenantSecretRotations } from '../../tenancy/tenant-secret-rotations';
import { Authenticate } from '../../identity/tokens/authenticate.use-case';
import { UserRepository } from '../../identity/user.repository';
import { BOT_SCOPES, BotScope } from '../../shared/bot-grant';
import { Bot } from './bot';
import { BotRepository } from './bot.repository';
import { newBotToken } from './bot-token';

/** At most this many live (unrevoked) bots in one tenant. */
export const MAX_BOTS_PER_TENANT = 200;

/** At most this many conversations in one token's grant. */
export const MAX_BOT_CONVERSATIONS = 100;

export interface NewBot {
  name: string;
  scopes: readonly string[];
  /** Null or absent: every conversation the bot is (or will be) a member of. */
  conversationIds?: readonly string[] | null;
}

export interface CreateBotInput extends NewBot {
  tenantId: string;
}

export interface CreatedBot {
  bot: Bot;
  /** Shown once: only its hash is stored. */
  token: string;
}

/**
 * Bot administration: create (token shown once), list, revoke. Operators manage any tenant's
 * bots; a tenant's owners and admins (`bots.manage`) manage their own tenant's, and nothing of
 * another tenant. Every creation and revocation is in the tenant's audit log.
 */
@UseCase()
export class ManageBots {
  constructor(
    private readonly bots: BotRepository,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly auth: Authenticate,
    private readonly announcements: TenantSecretRotations,
    private readonly roles: TenantRoleRepository,
    private readonly audit: AuditTrail,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Operators only (the caller checked the operator credential): a bot in any tenant. */
  async create(input: CreateBotInput): Promise<CreatedBot> {
    return this.createIn(await this.tenant(input.tenantId), input, null);
  }

  /** Operators only: a tenant's bots. */
  async list(tenantId: string): Promise<Bot[]> {
    return this.bots.list(await this.tenant(tenantId));
  }

  /** Operators only: revokes a bot of any tenant (see revokeIn). */
  async revoke(tenantId: string, botId: string): Promise<Bot> {
    return this.revokeIn(await this.tenant(tenantId), botId, null);
  }

  /** A tenant owner or admin creates a bot in their own tenant. */
  async createFor(actor: Actor, input: NewBot): Promise<CreatedBot> {
    await this.requireManager(actor);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    return this.createIn(actor.tenantId, input, actor.userId);
  }

  /** A tenant owner or admin: the bots of their own tenant. */
  async listFor(actor: Actor): Promise<Bot[]> {
    await this.requireManager(actor);
    return this.bots.list(actor.tenantId);
  }

  /** A tenant owner or admin revokes a bot of their own tenant (another tenant's: NOT_FOUND). */
  async revokeFor(actor: Actor, botId: string): Promise<Bot> {
    await this.requireManager(actor);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    return this.revokeIn(actor.tenantId, botId, actor.userId);
  }

  private async requireManager(actor: Actor): Promise<void> {
    // A bot's token never manages bots, whatever role its account might have been given.
    if (actor.grant) throw forbidden('bots cannot manage bots');
    const mine = await this.roles.find(actor.tenantId, actor.userId);
    if (!tenantRoleCan(mine?.role ?? null, 'bots.manage'))
      throw forbidden('only tenant owners and admins can manage bots');
  }

  private async createIn(tenant: string, input: NewBot, actorId: string | null) {
    const name = checkText('name', input.name, { min: 1, max: 64 });
    const scopes = checkScopes(input.scopes);
    const conversationIds = checkConversationIds(input.conversationIds ?? null);
    const live = (await this.bots.list(tenant)).filter((b) => !b.revokedAt).length;
    if (live >= MAX_BOTS_PER_TENANT)
      throw invalid('name', `a tenant has at most ${MAX_BOTS_PER_TENANT} live bots`);
    const now = this.clock.now();
    const id = newId();
    await this.users.create({
      id,
      tenantId: tenant,
      phone: null,
      externalId: null,
      isBot: true,
      name,
      avatarUrl: null,
      statusText: null,
      statusEmoji: null,
      presencePrivacy: 'EVERYONE',
      lastSeenAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const { token, hash } = newBotToken(tenant, id);
    const bot = await this.bots.create({
      id,
      tenantId: tenant,
      name,
      scopes,
      conversationIds,
      tokenHash: hash,
      createdAt: now,
      revokedAt: null,
    });
    await this.audit.record({
      tenantId: tenant,
      actorId,
      action: 'BOT_CREATED',
      targetUserId: id,
      details: {
        name,
        scopes: scopes.join(','),
        conversations: conversationIds ? conversationIds.length : 'all',
      },
    });
    return { bot, token };
  }

  /**
   * Revokes the bot's token: refused from now on by every instance (each forgets what it had
   * verified for the tenant), and sockets it opened are closed with 4403.
   */
  private async revokeIn(tenant: string, botId: string, actorId: string | null): Promise<Bot> {
    if (!isWellFormedId(botId)) throw new DomainError('NOT_FOUND', 'bot not found');
    const bot = await this.bots.revoke(tenant, botId, this.clock.now());
    if (!bot) throw new DomainError('NOT_FOUND', 'bot not found');
    this.auth.forgetTenant(tenant);
    await this.announcements.announceBotRevoked(tenant);
    await this.audit.record({
      tenantId: tenant,
      actorId,
      action: 'BOT_REVOKED',
      targetUserId: bot.id,
      details: { name: bot.name },
    });
    return bot;
  }

  private async tenant(tenantId: string): Promise<string> {
    const found =
      typeof tenantId === 'string' && TENANT_ID_PATTERN.test(tenantId)
        ? await this.tenants.findById(tenantId)
        : null;
    if (!found) throw new DomainError('NOT_FOUND', 'tenant not found');
    return found.id;
  }
}

function checkScopes(scopes: readonly string[]): BotScope[] {
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw invalid('scopes', 'a bot needs at least one scope (READ, SEND)');
  const unique = [...new Set(scopes)];
  for (const s of unique)
    if (!BOT_SCOPES.includes(s as BotScope)) throw invalid('scopes', 'scopes must be READ or SEND');
  return BOT_SCOPES.filter((s) => unique.includes(s));
}

function checkConversationIds(ids: readonly string[] | null): string[] | null {
  if (ids === null) return null;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_BOT_CONVERSATIONS)
    throw invalid(
      'conversationIds',
      `conversationIds: 1–${MAX_BOT_CONVERSATIONS} ids, or null for all`,
    );
  for (const id of ids)
    if (!isWellFormedId(id)) throw invalid('conversationIds', 'conversationIds must be ids');
  return [...new Set(ids)];
}
