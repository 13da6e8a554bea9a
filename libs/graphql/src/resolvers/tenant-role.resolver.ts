import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, ManageTenantRoles, TenantRoleGrant, User } from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { TenantRoleEnum } from '../models/enums';
import { TenantAccessModel, TenantRoleGrantModel } from '../models/tenant-role.model';
import { UserModel } from '../models/user.model';

/** Tenant roles as tenant users see and change them; the rules are in ManageTenantRoles. */
@Resolver(() => TenantRoleGrantModel)
@UseGuards(AuthGuard)
export class TenantRoleResolver {
  constructor(private readonly roles: ManageTenantRoles) {}

  @Query(() => TenantAccessModel, { description: 'Your own role in your tenant.' })
  async myTenantAccess(@CurrentActor() actor: Authenticated): Promise<TenantAccessModel> {
    const access = await this.roles.mine(actor);
    return { role: access.role as TenantRoleEnum | null, permissions: [...access.permissions] };
  }

  @Query(() => [TenantRoleGrantModel], {
    description: 'Tenant owners and admins: who holds which role in the tenant.',
  })
  tenantRoles(@CurrentActor() actor: Authenticated): Promise<TenantRoleGrant[]> {
    return this.roles.list(actor);
  }

  @Mutation(() => TenantRoleGrantModel, {
    nullable: true,
    description:
      'Tenant owners: grants OWNER or ADMIN, or takes the role away (role null; returns null). The last owner cannot step down (LAST_OWNER).',
  })
  setTenantRole(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => TenantRoleEnum, nullable: true }) role: TenantRoleEnum | null,
  ): Promise<TenantRoleGrant | null> {
    return this.roles.set(actor, userId, role);
  }

  @ResolveField(() => UserModel, { nullable: true })
  async user(@Parent() grant: TenantRoleGrant, @GqlCtx() ctx: GqlContext): Promise<User | null> {
    // Operators (x-admin-token) are no tenant user: a user's viewer-dependent fields mean nothing to them.
    if (!ctx.actor || ctx.actor.tenantId !== grant.tenantId) return null;
    return ctx.loaders.users(ctx.actor).load(grant.userId);
  }
}
