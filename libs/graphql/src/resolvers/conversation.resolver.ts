import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  Conversation,
  ConversationQueries,
  CreateConversations,
  ManageMembers,
  Member,
  Message,
  MessageQueries,
  MessageRequests,
  otherMemberOf,
  Receipts,
  UpdateConversation,
  User,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { CreateChannelInput, CreateGroupInput, UpdateConversationInput } from '../inputs/inputs';
import {
  ConversationConnectionModel,
  ConversationExitModel,
  ConversationModel,
  MemberConnectionModel,
} from '../models/conversation.model';
import { MemberRoleEnum, MembershipChangeEnum } from '../models/enums';
import { MessageModel } from '../models/message.model';
import { pageInfo } from '../models/page-info.model';
import { UserModel } from '../models/user.model';

@Resolver(() => ConversationModel)
@UseGuards(AuthGuard)
export class ConversationResolver {
  constructor(
    private readonly queries: ConversationQueries,
    private readonly requests: MessageRequests,
    private readonly creator: CreateConversations,
    private readonly membership: ManageMembers,
    private readonly receipts: Receipts,
    private readonly messages: MessageQueries,
    private readonly updater: UpdateConversation,
  ) {}

  @Query(() => ConversationConnectionModel, { description: 'Most recent activity first.' })
  async conversations(
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ConversationConnectionModel> {
    const page = await this.queries.list(actor, first, after);
    for (const { conversation, member } of page.items)
      ctx.loaders.myMembership(actor).prime(conversation.id, member);
    return {
      edges: page.items.map(({ conversation }, i) => ({
        cursor: page.cursors[i]!,
        node: conversation,
      })),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, !!after),
    };
  }

  @Query(() => [ConversationModel], {
    description:
      'Conversations I left or was removed from and still read (read-only), latest exit first; at most 50.',
  })
  formerConversations(
    @CurrentActor() actor: Authenticated,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
  ): Promise<Conversation[]> {
    return this.queries.former(actor, first);
  }

  @Query(() => ConversationModel, { nullable: true })
  async conversation(
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Conversation | null> {
    const found = await this.queries.get(actor, id);
    if (!found) return null;
    ctx.loaders.myMembership(actor).prime(found.conversation.id, found.member);
    return found.conversation;
  }

  @Query(() => ConversationConnectionModel, { description: 'Public channels of your tenant.' })
  async channels(
    @CurrentActor() actor: Authenticated,
    @Args('query', { type: () => String, nullable: true }) query: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ConversationConnectionModel> {
    const page = await this.queries.channels(actor, query, first, after);
    return {
      edges: page.items.map((conversation, i) => ({
        cursor: page.cursors[i]!,
        node: conversation,
      })),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, !!after),
    };
  }

  @Mutation(() => ConversationModel, { description: 'The same DM for the same pair, always.' })
  openDirectConversation(
    @CurrentActor() actor: Authenticated,
    @Args('userId', { type: () => ID }) userId: string,
  ) {
    return this.creator.openDirect(actor, userId);
  }

  @Mutation(() => ConversationModel, {
    description:
      'Consents to the other member of a direct conversation: adds them to my contacts (they may then see my phone number).',
  })
  acceptMessageRequest(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
  ) {
    return this.requests.accept(actor, id);
  }

  @Mutation(() => ConversationModel, {
    description:
      'Declines a message request: archives it for me, without telling the sender; with block, also blocks the sender.',
  })
  declineMessageRequest(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
    @Args('block', { type: () => Boolean, defaultValue: false }) block: boolean,
  ) {
    return this.requests.decline(actor, id, block);
  }

  @Mutation(() => ConversationModel)
  createGroup(@CurrentActor() actor: Authenticated, @Args('input') input: CreateGroupInput) {
    return this.creator.createGroup(actor, input);
  }

  @Mutation(() => ConversationModel, {
    description: 'Public, joinable by any member of the tenant.',
  })
  createChannel(@CurrentActor() actor: Authenticated, @Args('input') input: CreateChannelInput) {
    return this.creator.createChannel(actor, input);
  }

  @Mutation(() => ConversationModel)
  joinChannel(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
  ) {
    return this.membership.join(actor, id);
  }

  @Mutation(() => ConversationModel)
  addMembers(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
    @Args('userIds', { type: () => [ID] }) userIds: string[],
  ) {
    return this.membership.add(actor, id, userIds);
  }

  @Mutation(() => ConversationModel)
  removeMember(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
    @Args('userId', { type: () => ID }) userId: string,
  ) {
    return this.membership.remove(actor, id, userId);
  }

  @Mutation(() => ConversationModel)
  setMemberRole(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => MemberRoleEnum }) role: MemberRoleEnum,
  ) {
    return this.membership.setRole(actor, id, userId, role);
  }

  @Mutation(() => Boolean)
  leaveConversation(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
  ) {
    return this.membership.leave(actor, id);
  }

  @Mutation(() => ConversationModel, {
    description: 'Title (admins), and my own mute, pin and archive settings.',
  })
  updateConversation(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: UpdateConversationInput,
  ) {
    return this.updater.execute(actor, input);
  }

  @Mutation(() => ConversationModel, { description: 'Moves my read pointer forward (never back).' })
  markRead(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
    @Args('seq', { type: () => Int }) seq: number,
  ) {
    return this.receipts.markRead(actor, id, seq);
  }

  @Mutation(() => Boolean, {
    description: 'Acknowledges receipt of everything up to seq on this device.',
  })
  markDelivered(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
    @Args('seq', { type: () => Int }) seq: number,
  ) {
    return this.receipts.markDelivered(actor, id, seq);
  }

  @Mutation(() => Boolean)
  setTyping(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) id: string,
    @Args('typing') typing: boolean,
  ) {
    return this.receipts.setTyping(actor, id, typing);
  }

  // ---- per-viewer fields ----

  private member(ctx: GqlContext, actor: Authenticated, c: Conversation): Promise<Member | null> {
    return ctx.loaders.myMembership(actor).load(c.id);
  }

  @ResolveField(() => Boolean)
  async viewerIsMember(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<boolean> {
    return !!(await this.member(ctx, actor, c));
  }

  @ResolveField(() => ConversationExitModel, { nullable: true })
  async viewerExit(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<ConversationExitModel | null> {
    if (await this.member(ctx, actor, c)) return null;
    const exit = await this.queries.exit(actor, c);
    if (!exit) return null;
    const by = exit.actorId ? await ctx.loaders.users(actor).load(exit.actorId) : null;
    return {
      change: exit.change === 'LEFT' ? MembershipChangeEnum.LEFT : MembershipChangeEnum.REMOVED,
      at: exit.exitedAt,
      by,
    };
  }

  @ResolveField(() => MemberRoleEnum, { nullable: true })
  async myRole(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    return (await this.member(ctx, actor, c))?.role ?? null;
  }

  @ResolveField(() => Boolean)
  async muted(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    return (await this.member(ctx, actor, c))?.muted ?? false;
  }

  @ResolveField(() => Boolean)
  async pinned(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    return (await this.member(ctx, actor, c))?.pinned ?? false;
  }

  @ResolveField(() => Boolean)
  async archived(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    return (await this.member(ctx, actor, c))?.archived ?? false;
  }

  @ResolveField(() => Boolean)
  async isMessageRequest(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    if (c.kind !== 'DIRECT' || !(await this.member(ctx, actor, c))) return false;
    return this.requests.isRequest(c, actor.userId);
  }

  @ResolveField(() => Int)
  async readSeq(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    return (await this.member(ctx, actor, c))?.readSeq ?? 0;
  }

  @ResolveField(() => Int)
  async unreadCount(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    return this.messages.unreadCount(actor, c, await this.member(ctx, actor, c));
  }

  @ResolveField(() => Int)
  async unreadMentionCount(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ) {
    return this.messages.unreadMentionCount(actor, c, await this.member(ctx, actor, c));
  }

  @ResolveField(() => MessageModel, { nullable: true })
  async lastMessage(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<Message | null> {
    if (!c.lastMessageId) return null;
    const messages = ctx.loaders.messages(actor);
    return this.messages.lastMessageFor(actor, c, await this.member(ctx, actor, c), (id) =>
      messages.load(id),
    );
  }

  @ResolveField(() => UserModel, { nullable: true })
  async otherUser(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<User | null> {
    const other = otherMemberOf(c, actor.userId);
    return other ? ctx.loaders.users(actor).load(other) : null;
  }

  @ResolveField(() => MemberConnectionModel)
  async members(
    @Parent() c: Conversation,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<MemberConnectionModel> {
    const page = await this.queries.members(actor, c, first, after, () =>
      this.member(ctx, actor, c),
    );
    const users = await Promise.all(page.items.map((m) => ctx.loaders.users(actor).load(m.userId)));
    return {
      edges: page.items.flatMap((m, i) =>
        users[i]
          ? [
              {
                cursor: page.cursors[i]!,
                node: { user: users[i], role: m.role, joinedAt: m.joinedAt },
              },
            ]
          : [],
      ),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, !!after),
    };
  }
}
