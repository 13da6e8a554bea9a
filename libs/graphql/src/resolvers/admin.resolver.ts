import { timingSafeEqual, createHash } from 'node:crypto';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  addressGroup,
  CoreSettings,
  DomainError,
  enforceRateLimit,
  ManageBots,
  ManageTenants,
  Bot,
  RateLimiter,
  Tenant,
} from '@chatter/core';
import { GqlCtx, Public } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { TenantModel, TenantSecretPayload } from '../models/user.model';
import { BotModel, BotScopeEnum, BotTokenPayload } from '../models/bot.model';

/** Operator settings for the admin API (null token = admin API disabled). */
export class AdminSettings {
  constructor(readonly adminToken: string | null) {}
}

/** Tenant administration for operators, authorized by the `x-admin-token` header. */
@Resolver()
export class AdminResolver {
  constructor(
    private readonly tenantAdmin: ManageTenants,
    private readonly settings: AdminSettings,
    private readonly limiter: RateLimiter,
    private readonly core: CoreSettings,
    private readonly botAdmin: ManageBots,
  ) {}

  @Public()
  @Query(() => [BotModel], { description: "Operators only: a tenant's bot accounts." })
  async bots(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<Bot[]> {
    await this.authorize(ctx);
    return this.botAdmin.list(tenantId);
  }

  @Public()
  @Mutation(() => BotTokenPayload, {
    description:
      'Operators only: creates a bot account with a scoped token (shown once). Add the bot to conversations like a user.',
  })
  async createBot(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('name') name: string,
    @Args('scopes', { type: () => [BotScopeEnum] }) scopes: BotScopeEnum[],
    @Args('conversationIds', { type: () => [ID], nullable: true })
    conversationIds: string[] | null,
  ) {
    await this.authorize(ctx);
    return this.botAdmin.create({ tenantId, name, scopes, conversationIds });
  }

  @Public()
  @Mutation(() => BotModel, {
    description:
      "Operators only: revokes a bot's token at once (refused everywhere, its sockets closed with 4403).",
  })
  async revokeBot(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Bot> {
    await this.authorize(ctx);
    return this.botAdmin.revoke(tenantId, id);
  }

  @Public()
  @Query(() => [TenantModel], { description: 'Operators only: requires the x-admin-token header.' })
  async tenants(@GqlCtx() ctx: GqlContext): Promise<Tenant[]> {
    await this.authorize(ctx);
    return this.tenantAdmin.list();
  }

  @Public()
  @Mutation(() => TenantSecretPayload, {
    description: 'Operators only: requires the x-admin-token header.',
  })
  async createTenant(
    @GqlCtx() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('name') name: string,
  ) {
    await this.authorize(ctx);
    const tenant = await this.tenantAdmin.create(id, name);
    return { tenant, signingSecret: tenant.signingSecret };
  }

  @Public()
  @Mutation(() => TenantSecretPayload, {
    description: 'Operators only: issues a new app-token signing secret.',
  })
  async rotateTenantSecret(@GqlCtx() ctx: GqlContext, @Args('id', { type: () => ID }) id: string) {
    await this.authorize(ctx);
    const tenant = await this.tenantAdmin.rotateSecret(id);
    return { tenant, signingSecret: tenant.signingSecret };
  }

  @Public()
  @Mutation(() => TenantModel, {
    description: "Operators only: changes a tenant's settings (phone sign-up on or off).",
  })
  async updateTenantSettings(
    @GqlCtx() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('phoneSignUp', { type: () => Boolean }) phoneSignUp: boolean,
  ): Promise<Tenant> {
    await this.authorize(ctx);
    return this.tenantAdmin.updateSettings(id, { phoneSignUp });
  }

  /** Every operator request counts per client address (IPv6 by /64), right token or wrong: no brute force. */
  private async authorize(ctx: GqlContext): Promise<void> {
    await enforceRateLimit(
      this.limiter,
      `admin:ip:${addressGroup(ctx.clientIp)}`,
      this.core.adminPerIp,
      'operator requests from this address',
    );
    const expected = this.settings.adminToken;
    if (!expected)
      throw new DomainError('FORBIDDEN', 'the admin API is disabled (ADMIN_TOKEN is not set)');
    const given = ctx.adminToken ?? '';
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    if (!timingSafeEqual(a, b)) throw new DomainError('FORBIDDEN', 'admin token required');
  }
}
