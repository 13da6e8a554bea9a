import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { BlockRepository, ContactRepository, PresenceService, User, UserViewPolicy } from '@chatter/core';
import { Authenticated } from '@chatter/core';
import { CurrentActor } from '../context/auth.guard';
import { PresenceModel, UserModel } from '../models/user.model';
import { PresencePrivacyEnum, PresenceStatusEnum } from '../models/enums';

/** Everything about a user that depends on who is looking. */
@Resolver(() => UserModel)
export class UserResolver {
  constructor(
    private readonly policy: UserViewPolicy,
    private readonly presenceService: PresenceService,
    private readonly contacts: ContactRepository,
    private readonly blocks: BlockRepository,
  ) {}

  @ResolveField(() => String, { nullable: true })
  async phone(@Parent() user: User, @CurrentActor() actor: Authenticated): Promise<string | null> {
    return (await this.policy.canSeePhone(actor.userId, user)) ? user.phone : null;
  }

  @ResolveField(() => PresenceModel)
  async presence(@Parent() user: User, @CurrentActor() actor: Authenticated): Promise<PresenceModel> {
    const state = (await this.presenceService.viewFor(actor.userId, [user])).get(user.id);
    return { status: (state?.status ?? 'OFFLINE') as PresenceStatusEnum, lastSeenAt: state?.lastSeenAt ?? null };
  }

  @ResolveField(() => Date, { nullable: true })
  async lastSeenAt(@Parent() user: User, @CurrentActor() actor: Authenticated): Promise<Date | null> {
    return (await this.policy.canSeePresence(actor.userId, user)) ? user.lastSeenAt : null;
  }

  @ResolveField(() => PresencePrivacyEnum, { nullable: true })
  presencePrivacy(@Parent() user: User, @CurrentActor() actor: Authenticated): PresencePrivacyEnum | null {
    return user.id === actor.userId ? (user.presencePrivacy as PresencePrivacyEnum) : null;
  }

  @ResolveField(() => Boolean)
  isContact(@Parent() user: User, @CurrentActor() actor: Authenticated): Promise<boolean> {
    return this.contacts.isContact(actor.tenantId, actor.userId, user.id);
  }

  @ResolveField(() => Boolean)
  isBlocked(@Parent() user: User, @CurrentActor() actor: Authenticated): Promise<boolean> {
    return this.blocks.hasBlocked(actor.tenantId, actor.userId, user.id);
  }
}
