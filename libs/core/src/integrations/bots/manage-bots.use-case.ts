import { Clock } from '../../shared/clock';
import { DomainError, invalid } from '../../shared/domain-error';
import { isWellFormedId, newId } from '../../shared/ids';
import { checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { TenantSecretRotations } from '../../tenancy/tenant-secret-rotations';
import { Authenticate } from '../../identity/tokens/authenticate.use-case';
import { UserRepository } from '../../identity/user.repository';
import { BOT_SCOPES, BotScope } from '../../shared/bot-grant';
import { Bot } from './bot';
import { BotRepository } from './bot.repository';
import { newBotToken } from './bot-token';

/** At most this many conversations in one token's grant. */
export const MAX_BOT_CONVERSATIONS = 100;

export interface CreateBotInput {
  tenantId: string;
  name: string;
  scopes: readonly string[];
  /** Null or absent: every conversation the bot is (or will be) a member of. */
  conversationIds?: readonly string[] | null;
}

export interface CreatedBot {
  bot: Bot;
  /** Shown once: only its hash is stored. */
  token: string;
}

/** Operators' bot administration: create (token shown once), list, revoke. */
@UseCase()
export class ManageBots {
  constructor(
    private readonly bots: BotRepository,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly auth: Authenticate,
    private readonly announcements: TenantSecretRotations,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateBotInput): Promise<CreatedBot> {
    const tenant = await this.tenant(input.tenantId);
    const name = checkText('name', input.name, { min: 1, max: 64 });
    const scopes = checkScopes(input.scopes);
    const conversationIds = checkConversationIds(input.conversationIds ?? null);
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
    return { bot, token };
  }

  async list(tenantId: string): Promise<Bot[]> {
    return this.bots.list(await this.tenant(tenantId));
  }

  /**
   * Revokes the bot's token: refused from now on by every instance (each forgets what it had
   * verified for the tenant), and sockets it opened are closed with 4403.
   */
  async revoke(tenantId: string, botId: string): Promise<Bot> {
    const tenant = await this.tenant(tenantId);
    if (!isWellFormedId(botId)) throw new DomainError('NOT_FOUND', 'bot not found');
    const bot = await this.bots.revoke(tenant, botId, this.clock.now());
    if (!bot) throw new DomainError('NOT_FOUND', 'bot not found');
    this.auth.forgetTenant(tenant);
    await this.announcements.announceBotRevoked(tenant);
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
