import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, Bot, CreatedBot, ManageBots } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import { BotModel, BotScopeEnum, BotTokenPayload } from '../models/bot.model';

/** Bot accounts as a tenant's owners and admins manage them; the rules are in ManageBots. */
@Resolver()
@UseGuards(AuthGuard)
export class TenantBotResolver {
  constructor(private readonly bots: ManageBots) {}

  @Query(() => [BotModel], {
    description:
      'Tenant owners and admins: the bot accounts of your tenant, revoked ones included.',
  })
  tenantBots(@CurrentActor() actor: Authenticated): Promise<Bot[]> {
    return this.bots.listFor(actor);
  }

  @Mutation(() => BotTokenPayload, {
    description:
      'Tenant owners and admins: creates a bot account of your tenant with a scoped token (shown once). Add the bot to conversations like a user.',
  })
  createTenantBot(
    @CurrentActor() actor: Authenticated,
    @Args('name') name: string,
    @Args('scopes', { type: () => [BotScopeEnum] }) scopes: BotScopeEnum[],
    @Args('conversationIds', { type: () => [ID], nullable: true })
    conversationIds: string[] | null,
  ): Promise<CreatedBot> {
    return this.bots.createFor(actor, { name, scopes, conversationIds });
  }

  @Mutation(() => BotModel, {
    description:
      "Tenant owners and admins: revokes a bot of your tenant at once (its token refused everywhere, its sockets closed with 4403). Another tenant's bot is NOT_FOUND.",
  })
  revokeTenantBot(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Bot> {
    return this.bots.revokeFor(actor, id);
  }
}
