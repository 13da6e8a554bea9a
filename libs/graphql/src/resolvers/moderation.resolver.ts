import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, BanResult, ModerateUsers, User, UserSanction } from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { BanPayload, UserSanctionModel } from '../models/sanction.model';
import { UserModel } from '../models/user.model';

/** Suspending and banning users, for tenant owners and admins; the rules are in ModerateUsers. */
@Resolver(() => UserSanctionModel)
@UseGuards(AuthGuard)
export class ModerationResolver {
  constructor(private readonly moderation: ModerateUsers) {}

  @Query(() => [UserSanctionModel], {
    description:
      'Tenant owners and admins: current suspensions and bans, most recent first (at most 100).',
  })
  sanctions(@CurrentActor() actor: Authenticated): Promise<UserSanction[]> {
    return this.moderation.list(actor);
  }

  @Mutation(() => UserSanctionModel, {
    description:
      'Tenant owners and admins: keeps the user out until the given time (at most a year); their sessions end and sockets close at once.',
  })
  suspendUser(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('until', { type: () => Date }) until: Date,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ): Promise<UserSanction> {
    return this.moderation.suspend(actor, userId, { until, reason });
  }

  @Mutation(() => BanPayload, {
    description:
      'Tenant owners and admins: bans the user until lifted; with removeMessages, also removes every message they sent (delete events reach everyone).',
  })
  banUser(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @Args('removeMessages', { type: () => Boolean, nullable: true }) removeMessages: boolean | null,
  ): Promise<BanResult> {
    return this.moderation.ban(actor, userId, { reason, removeMessages });
  }

  @Mutation(() => Boolean, {
    description: "Tenant owners and admins: lifts a user's suspension or ban (false when none).",
  })
  liftSanction(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.moderation.lift(actor, userId);
  }

  @ResolveField(() => UserModel, { nullable: true })
  async user(@Parent() s: UserSanction, @GqlCtx() ctx: GqlContext): Promise<User | null> {
    if (!ctx.actor || ctx.actor.tenantId !== s.tenantId) return null;
    return ctx.loaders.users(ctx.actor).load(s.userId);
  }
}
