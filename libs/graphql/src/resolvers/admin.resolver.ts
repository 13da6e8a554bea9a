import { timingSafeEqual, createHash } from 'node:crypto';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  addressGroup,
  CoreSettings,
  DomainError,
  enforceRateLimit,
  BanResult,
  ManageTenantRoles,
  ManageTenants,
  ManageNotifications,
  ModerateUsers,
  ManageBots,
  ManageSafetySettings,
  TenantSafetySettings,
  Bot,
  RateLimiter,
  Tenant,
  TenantRoleGrant,
} from '@chatter/core';
import { GqlCtx, Public } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { TenantRoleEnum } from '../models/enums';
import { BanPayload } from '../models/sanction.model';
import { TenantRoleGrantModel } from '../models/tenant-role.model';
import { TenantModel, TenantSecretPayload } from '../models/user.model';
import { BotModel, BotScopeEnum, BotTokenPayload } from '../models/bot.model';
import {
  TenantSafetySettingsInput,
  TenantSafetySettingsModel,
} from '../models/safety-settings.model';

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
    private readonly notifications: ManageNotifications,
    private readonly tenantRoles: ManageTenantRoles,
    private readonly moderation: ModerateUsers,
    private readonly botAdmin: ManageBots,
    private readonly safety: ManageSafetySettings,
  ) {}

  @Public()
  @Query(() => TenantSafetySettingsModel, {
    description: "Operators only: a tenant's safety settings.",
  })
  async tenantSafetySettingsOf(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<TenantSafetySettings> {
    await this.authorize(ctx);
    return this.safety.getAsOperator(tenantId);
  }

  @Public()
  @Mutation(() => TenantSafetySettingsModel, {
    description: "Operators only: changes a tenant's safety settings (audited, actor null).",
  })
  async setTenantSafetySettings(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('input', { type: () => TenantSafetySettingsInput }) input: TenantSafetySettingsInput,
  ): Promise<TenantSafetySettings> {
    await this.authorize(ctx);
    return this.safety.updateAsOperator(tenantId, input);
  }

  @Public()
  @Mutation(() => BanPayload, {
    description:
      'Operators only: bans a user of the tenant (also an owner); with removeMessages, removes every message they sent.',
  })
  async banTenantUser(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @Args('removeMessages', { type: () => Boolean, nullable: true }) removeMessages: boolean | null,
  ): Promise<BanResult> {
    await this.authorize(ctx);
    return this.moderation.banAsOperator(tenantId, userId, { reason, removeMessages });
  }

  @Public()
  @Mutation(() => Boolean, {
    description: "Operators only: lifts a tenant user's suspension or ban (false when none).",
  })
  async liftTenantUserSanction(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    await this.authorize(ctx);
    return this.moderation.liftAsOperator(tenantId, userId);
  }

  @Public()
  @Mutation(() => TenantRoleGrantModel, {
    nullable: true,
    description:
      "Operators only: grants a user of the tenant OWNER or ADMIN, or takes the role away (role null; returns null). An owner also owns the tenant's general channel.",
  })
  async grantTenantRole(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => TenantRoleEnum, nullable: true }) role: TenantRoleEnum | null,
  ): Promise<TenantRoleGrant | null> {
    await this.authorize(ctx);
    return this.tenantRoles.setAsOperator(tenantId, userId, role);
  }

  @Public()
  @Query(() => [TenantRoleGrantModel], {
    description: 'Operators only: who holds which role in a tenant.',
  })
  async tenantRoleGrants(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<TenantRoleGrant[]> {
    await this.authorize(ctx);
    return this.tenantRoles.listAsOperator(tenantId);
  }

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
    description:
      "Operators only: changes a tenant's settings: phone sign-up on or off; attachment retention in days (1–36500; null keeps files; omitted: unchanged).",
  })
  async updateTenantSettings(
    @GqlCtx() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('phoneSignUp', { type: () => Boolean }) phoneSignUp: boolean,
    @Args('attachmentRetentionDays', { type: () => Int, nullable: true })
    attachmentRetentionDays?: number | null,
  ): Promise<Tenant> {
    await this.authorize(ctx);
    return this.tenantAdmin.updateSettings(id, { phoneSignUp, attachmentRetentionDays });
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Operators only: whether push notifications of the tenant leave message text out (they then say only who wrote where). Returns the new value.',
  })
  async updateTenantNotificationOptions(
    @GqlCtx() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('omitMessageText', { type: () => Boolean }) omitMessageText: boolean,
  ): Promise<boolean> {
    await this.authorize(ctx);
    return (await this.notifications.setTenantOptions(id, { omitMessageText })).omitMessageText;
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
