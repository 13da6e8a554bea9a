import { timingSafeEqual, createHash } from 'node:crypto';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  addressGroup,
  CoreSettings,
  DomainError,
  enforceRateLimit,
  ManageTenants,
  ManageNotifications,
  RateLimiter,
  Tenant,
} from '@chatter/core';
import { GqlCtx, Public } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { TenantModel, TenantSecretPayload } from '../models/user.model';

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
  ) {}

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
