import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  AuthResult,
  Authenticated,
  CoreSettings,
  LinkedAccount,
  LinkedAccounts,
  ManageOidcProviders,
  OidcProviderConfig,
  OidcProviderSummary,
  OidcSignIn,
  RateLimiter,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx, Public } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { authorizeOperator } from '../context/operator-auth';
import {
  LinkedAccountModel,
  OidcProviderInputModel,
  OidcProviderModel,
  OidcProviderSummaryModel,
} from '../models/oidc.model';
import { AuthPayloadModel } from '../models/user.model';
import { AdminSettings } from './admin.resolver';

const toModel = (p: OidcProviderConfig): OidcProviderModel => ({
  id: p.id,
  displayName: p.displayName,
  issuer: p.issuer,
  clientId: p.clientId,
  hasClientSecret: p.clientSecret !== '',
  allowedDomains: p.allowedDomains,
  autoLinkVerifiedEmail: p.autoLinkVerifiedEmail,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** OpenID Connect: the sign-in page's providers, the code exchange, linked accounts, settings. */
@Resolver()
@UseGuards(AuthGuard)
export class OidcResolver {
  constructor(
    private readonly providers: ManageOidcProviders,
    private readonly signIn: OidcSignIn,
    private readonly linked: LinkedAccounts,
    private readonly admin: AdminSettings,
    private readonly limiter: RateLimiter,
    private readonly core: CoreSettings,
  ) {}

  @Public()
  @Query(() => [OidcProviderSummaryModel], {
    description:
      "The tenant's sign-in providers, for the sign-in page (default tenant when omitted).",
  })
  oidcProviders(
    @Args('tenant', { type: () => String, nullable: true }) tenant: string | null,
  ): Promise<OidcProviderSummary[]> {
    return this.providers.publicList(tenant);
  }

  @Public()
  @Mutation(() => AuthPayloadModel, {
    description:
      'Trades the one-time code the OpenID Connect callback handed to the web app (in the URL fragment) for a session. Single use, valid for a minute.',
  })
  async signInWithOidc(@Args('code') code: string, @GqlCtx() ctx: GqlContext): Promise<AuthResult> {
    const result = await this.signIn.redeem(code, ctx.clientIp);
    ctx.actor = {
      tenantId: result.user.tenantId,
      userId: result.user.id,
      sessionId: null,
      expiresAt: result.expiresAt,
    };
    return result;
  }

  @Query(() => [OidcProviderSummaryModel], {
    description: "The sign-in providers of the caller's tenant (names only), to link one.",
  })
  linkableProviders(@CurrentActor() actor: Authenticated): Promise<OidcProviderSummary[]> {
    return this.providers.linkable(actor);
  }

  @Query(() => [LinkedAccountModel], { description: "The caller's linked sign-in providers." })
  linkedAccounts(@CurrentActor() actor: Authenticated): Promise<LinkedAccount[]> {
    return this.linked.list(actor);
  }

  @Mutation(() => String, {
    description:
      "Starts linking a provider to the caller's account: the provider's URL to open. The callback links it and returns to the web app. FORBIDDEN for app-issued and bot tokens (no sign-in session).",
  })
  startOidcLink(
    @CurrentActor() actor: Authenticated,
    @Args('provider', { type: () => ID }) provider: string,
  ): Promise<string> {
    return this.signIn.startLink(actor, provider);
  }

  @Mutation(() => Boolean, {
    description:
      'Unlinks a provider from the caller. FORBIDDEN (reason LAST_SIGN_IN_METHOD) when it is their only way to sign in.',
  })
  unlinkAccount(
    @CurrentActor() actor: Authenticated,
    @Args('provider', { type: () => ID }) provider: string,
  ): Promise<boolean> {
    return this.linked.unlink(actor, provider);
  }

  @Query(() => [OidcProviderModel], {
    description: "Tenant owners: the tenant's sign-in providers with their settings.",
  })
  async oidcProviderSettings(@CurrentActor() actor: Authenticated): Promise<OidcProviderModel[]> {
    return (await this.providers.list(actor)).map(toModel);
  }

  @Mutation(() => OidcProviderModel, {
    description: 'Tenant owners: adds or changes a sign-in provider of their tenant.',
  })
  async setOidcProvider(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: OidcProviderInputModel,
  ): Promise<OidcProviderModel> {
    return toModel(await this.providers.set(actor, input));
  }

  @Mutation(() => Boolean, {
    description: 'Tenant owners: removes a sign-in provider (false when there was none).',
  })
  removeOidcProvider(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.providers.remove(actor, id);
  }

  @Public()
  @Query(() => [OidcProviderModel], {
    description: "Operators only: a tenant's sign-in providers with their settings.",
  })
  async tenantOidcProviders(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<OidcProviderModel[]> {
    await this.operator(ctx);
    return (await this.providers.listAsOperator(tenantId)).map(toModel);
  }

  @Public()
  @Mutation(() => OidcProviderModel, {
    description: 'Operators only: adds or changes a sign-in provider of a tenant.',
  })
  async setTenantOidcProvider(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('input') input: OidcProviderInputModel,
  ): Promise<OidcProviderModel> {
    await this.operator(ctx);
    return toModel(await this.providers.setAsOperator(tenantId, input));
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Operators only: removes a sign-in provider of a tenant (false when there was none).',
  })
  async removeTenantOidcProvider(
    @GqlCtx() ctx: GqlContext,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    await this.operator(ctx);
    return this.providers.removeAsOperator(tenantId, id);
  }

  private operator(ctx: GqlContext): Promise<void> {
    return authorizeOperator(ctx, this.admin.adminToken, this.limiter, this.core);
  }
}
