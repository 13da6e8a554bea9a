import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  PresenceService,
  presencePrivacySeenBy,
  User,
  UserView,
  UserViewPolicy,
} from '@chatter/core';
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
  async phone(
    @Parent() user: User,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<string | null> {
    return (await this.view(ctx, actor, user)).phoneVisible ? user.phone : null;
  }

  @ResolveField(() => PresenceModel)
  async presence(
    @Parent() user: User,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<PresenceModel> {
    const state = await ctx.loaders
      .presence(async (users) => {
        // The same batch of views as the other user fields of the operation: no second read.
        const views = await this.views(ctx, actor).loadMany(users);
        const known = new Map<string, UserView>();
        views.forEach((view, i) => {
          if (view instanceof Error) throw view;
          known.set(users[i]!.id, view);
        });
        return this.presenceService.viewFor(actor.userId, users, known);
      })
      .load(user);
    return { status: state.status as PresenceStatusEnum, lastSeenAt: state.lastSeenAt ?? null };
  }

  @ResolveField(() => Date, { nullable: true })
  async lastSeenAt(
    @Parent() user: User,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<Date | null> {
    return (await this.view(ctx, actor, user)).presenceVisible ? user.lastSeenAt : null;
  }

  @ResolveField(() => PresencePrivacyEnum, { nullable: true })
  presencePrivacy(
    @Parent() user: User,
    @CurrentActor() actor: Authenticated,
  ): PresencePrivacyEnum | null {
    return presencePrivacySeenBy(user, actor.userId) as PresencePrivacyEnum | null;
  }

  @ResolveField(() => Boolean)
  async isContact(
    @Parent() user: User,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<boolean> {
    return (await this.view(ctx, actor, user)).isContact;
  }

  @ResolveField(() => Boolean)
  async isBlocked(
    @Parent() user: User,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<boolean> {
    return (await this.view(ctx, actor, user)).isBlocked;
  }

  /** One batched read for every user of the operation (a page of members: two store reads). */
  private view(ctx: GqlContext, actor: Authenticated, user: User): Promise<UserView> {
    return this.views(ctx, actor).load(user);
  }

  private views(ctx: GqlContext, actor: Authenticated) {
    return ctx.loaders.userViews((users) => this.policy.viewsOf(actor.userId, users));
  }
}
