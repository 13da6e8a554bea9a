import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, PresenceService, User, UserView, UserViewPolicy } from '@chatter/core';
import { CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { PresenceModel, UserModel } from '../models/user.model';
import { PresencePrivacyEnum, PresenceStatusEnum } from '../models/enums';

/** Everything about a user that depends on who is looking. */
@Resolver(() => UserModel)
export class UserResolver {
  constructor(
    private readonly policy: UserViewPolicy,
    private readonly presenceService: PresenceService,
  ) {}

  @ResolveField(() => String, { nullable: true })
  async phone(@Parent() user: User, @CurrentActor() actor: Authenticated, @GqlCtx() ctx: GqlContext): Promise<string | null> {
    return (await this.view(ctx, actor, user)).phoneVisible ? user.phone : null;
  }

  @ResolveField(() => PresenceModel)
  async presence(@Parent() user: User, @CurrentActor() actor: Authenticated, @GqlCtx() ctx: GqlContext): Promise<PresenceModel> {
    const state = await ctx.loaders.presence((users) => this.presenceService.viewFor(actor.userId, users)).load(user);
    return { status: state.status as PresenceStatusEnum, lastSeenAt: state.lastSeenAt ?? null };
  }

  @ResolveField(() => Date, { nullable: true })
  async lastSeenAt(@Parent() user: User, @CurrentActor() actor: Authenticated, @GqlCtx() ctx: GqlContext): Promise<Date | null> {
    return (await this.view(ctx, actor, user)).presenceVisible ? user.lastSeenAt : null;
  }

  @ResolveField(() => PresencePrivacyEnum, { nullable: true })
  presencePrivacy(@Parent() user: User, @CurrentActor() actor: Authenticated): PresencePrivacyEnum | null {
    return user.id === actor.userId ? (user.presencePrivacy as PresencePrivacyEnum) : null;
  }

  @ResolveField(() => Boolean)
  async isContact(@Parent() user: User, @CurrentActor() actor: Authenticated, @GqlCtx() ctx: GqlContext): Promise<boolean> {
    return (await this.view(ctx, actor, user)).isContact;
  }

  @ResolveField(() => Boolean)
  async isBlocked(@Parent() user: User, @CurrentActor() actor: Authenticated, @GqlCtx() ctx: GqlContext): Promise<boolean> {
    return (await this.view(ctx, actor, user)).isBlocked;
  }

  /** One batched read for every user of the operation (a page of members: two store reads). */
  private view(ctx: GqlContext, actor: Authenticated, user: User): Promise<UserView> {
    return ctx.loaders.userViews((users) => this.policy.viewsOf(actor.userId, users)).load(user);
  }
}
