import { timingSafeEqual, createHash } from 'node:crypto';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DomainError, ManageTenants, Tenant } from '@chatter/core';
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
  ) {}

  @Public()
  @Query(() => [TenantModel], { description: 'Operators only: requires the x-admin-token header.' })
  async tenants(@GqlCtx() ctx: GqlContext): Promise<Tenant[]> {
    this.authorize(ctx);
    return this.tenantAdmin.list();
  }

  @Public()
  @Mutation(() => TenantSecretPayload, { description: 'Operators only: requires the x-admin-token header.' })
  async createTenant(@GqlCtx() ctx: GqlContext, @Args('id', { type: () => ID }) id: string, @Args('name') name: string) {
    this.authorize(ctx);
    const tenant = await this.tenantAdmin.create(id, name);
    return { tenant, signingSecret: tenant.signingSecret };
  }

  @Public()
  @Mutation(() => TenantSecretPayload, { description: 'Operators only: issues a new app-token signing secret.' })
  async rotateTenantSecret(@GqlCtx() ctx: GqlContext, @Args('id', { type: () => ID }) id: string) {
    this.authorize(ctx);
    const tenant = await this.tenantAdmin.rotateSecret(id);
    return { tenant, signingSecret: tenant.signingSecret };
  }

  private authorize(ctx: GqlContext): void {
    const expected = this.settings.adminToken;
    if (!expected) throw new DomainError('FORBIDDEN', 'the admin API is disabled (ADMIN_TOKEN is not set)');
    const given = ctx.adminToken ?? '';
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    if (!timingSafeEqual(a, b)) throw new DomainError('FORBIDDEN', 'admin token required');
  }
}
