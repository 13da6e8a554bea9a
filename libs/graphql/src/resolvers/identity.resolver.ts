import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  GetUsers,
  Logout,
  ManageBlocks,
  ManageContacts,
  RefreshSession,
  RequestLoginCode,
  SendInvite,
  User,
  UpdateProfile,
  VerifyLoginCode,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx, Public } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { UpdateProfileInput } from '../inputs/inputs';
import { pageInfo } from '../models/page-info.model';
import {
  AuthPayloadModel,
  ContactConnectionModel,
  ContactModel,
  RequestLoginCodePayload,
  SendInvitePayload,
  UserModel,
} from '../models/user.model';

const RESEND_AFTER_SECONDS = 30;

@Resolver()
@UseGuards(AuthGuard)
export class IdentityResolver {
  constructor(
    private readonly requestCode: RequestLoginCode,
    private readonly verifyCode: VerifyLoginCode,
    private readonly refresh: RefreshSession,
    private readonly logoutUseCase: Logout,
    private readonly users: GetUsers,
    private readonly profile: UpdateProfile,
    private readonly contactsUseCase: ManageContacts,
    private readonly blocks: ManageBlocks,
    private readonly invites: SendInvite,
  ) {}

  @Public()
  @Mutation(() => RequestLoginCodePayload, {
    description: 'Always answers the same way, whether or not the number is registered.',
  })
  async requestLoginCode(
    @Args('phone') phone: string,
    @Args('tenant', { type: () => String, nullable: true }) tenant: string | null,
    @GqlCtx() ctx: GqlContext,
  ): Promise<RequestLoginCodePayload> {
    const result = await this.requestCode.execute({ phone, tenant, clientIp: ctx.clientIp });
    return {
      sent: result.sent,
      expiresInSeconds: result.expiresInSeconds,
      resendAfterSeconds: RESEND_AFTER_SECONDS,
    };
  }

  @Public()
  @Mutation(() => AuthPayloadModel, {
    description: 'Signs up (name required the first time) or logs in.',
  })
  verifyLoginCode(
    @Args('phone') phone: string,
    @Args('code') code: string,
    @Args('name', { type: () => String, nullable: true }) name: string | null,
    @Args('tenant', { type: () => String, nullable: true }) tenant: string | null,
    @GqlCtx() ctx: GqlContext,
  ) {
    return this.verifyCode
      .execute({ phone, code, name, tenant, clientIp: ctx.clientIp })
      .then((r) => this.withActor(ctx, r));
  }

  @Public()
  @Mutation(() => AuthPayloadModel, {
    description: 'Rotates the refresh token; reusing an old one revokes the session.',
  })
  refreshSession(@Args('refreshToken') refreshToken: string, @GqlCtx() ctx: GqlContext) {
    return this.refresh.execute(refreshToken).then((r) => this.withActor(ctx, r));
  }

  @Public()
  @Mutation(() => Boolean)
  logout(@Args('refreshToken') refreshToken: string): Promise<boolean> {
    return this.logoutUseCase.execute(refreshToken);
  }

  @Query(() => UserModel)
  me(@CurrentActor() actor: Authenticated): Promise<User> {
    return this.users.me(actor);
  }

  @Query(() => UserModel, { nullable: true })
  user(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<User | null> {
    return this.users.byId(actor, id);
  }

  @Mutation(() => UserModel)
  updateProfile(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: UpdateProfileInput,
  ): Promise<User> {
    return this.profile.execute(actor, input);
  }

  @Query(() => ContactConnectionModel)
  async contacts(
    @CurrentActor() actor: Authenticated,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ContactConnectionModel> {
    const page = await this.contactsUseCase.list(actor, first, after);
    const users = await this.users.byIds(
      actor,
      page.items.map((c) => c.contactId),
    );
    const byId = new Map(users.map((u) => [u.id, u]));
    const edges = page.items.flatMap((c, i) => {
      const user = byId.get(c.contactId);
      return user ? [{ cursor: page.cursors[i]!, node: { user, addedAt: c.createdAt } }] : [];
    });
    return {
      edges,
      pageInfo: pageInfo(page.cursors, page.hasNextPage, after !== null && after !== undefined),
    };
  }

  @Query(() => [UserModel])
  blockedUsers(@CurrentActor() actor: Authenticated): Promise<User[]> {
    return this.blocks.list(actor);
  }

  @Mutation(() => ContactModel, { description: 'Adds a user of your tenant by phone number.' })
  async addContact(
    @CurrentActor() actor: Authenticated,
    @Args('phone') phone: string,
  ): Promise<ContactModel> {
    const { contact, user } = await this.contactsUseCase.add(actor, phone);
    return { user, addedAt: contact.createdAt };
  }

  @Mutation(() => SendInvitePayload, {
    description:
      'Texts an invitation to a number of your tenant that has no account, through the configured SMS sender. CONFLICT when the number already uses Chatter; RATE_LIMITED per inviter, per number and by the SMS budgets; FORBIDDEN when invitations by SMS are off.',
  })
  sendInvite(
    @CurrentActor() actor: Authenticated,
    @Args('phone') phone: string,
  ): Promise<SendInvitePayload> {
    return this.invites.execute(actor, phone);
  }

  @Mutation(() => Boolean)
  removeContact(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.contactsUseCase.remove(actor, userId);
  }

  @Mutation(() => Boolean)
  blockUser(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.blocks.block(actor, userId);
  }

  @Mutation(() => Boolean)
  unblockUser(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.blocks.unblock(actor, userId);
  }

  /** The payload's user is resolved for the user who just signed in. */
  private withActor<T extends { user: User; expiresAt: Date }>(ctx: GqlContext, result: T): T {
    ctx.actor = {
      tenantId: result.user.tenantId,
      userId: result.user.id,
      sessionId: null,
      expiresAt: result.expiresAt,
    };
    return result;
  }
}
