import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  clientMessageIdSeenBy,
  mentionsAllShown,
  mentionsViewer,
  Message,
  MessageQueries,
  quotedMessageOf,
  SendMessages,
  User,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { SendMessageInput } from '../inputs/inputs';
import {
  MessageConnectionModel,
  MessageModel,
  ReactionSummaryModel,
} from '../models/message.model';
import { pageInfo } from '../models/page-info.model';
import { UserModel } from '../models/user.model';

@Resolver(() => MessageModel)
@UseGuards(AuthGuard)
export class MessageResolver {
  constructor(
    private readonly send: SendMessages,
    private readonly queries: MessageQueries,
  ) {}

  @Query(() => MessageConnectionModel, {
    description: 'By seq: last/before pages back from the latest, first/after forward.',
  })
  async messages(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) conversationId: string,
    @Args('last', { type: () => Int, nullable: true }) last: number | null,
    @Args('before', { type: () => Int, nullable: true }) before: number | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => Int, nullable: true }) after: number | null,
  ): Promise<MessageConnectionModel> {
    const page = await this.queries.history(actor, conversationId, { last, before, first, after });
    const cursors = page.messages.map((m) => String(m.seq));
    return {
      edges: page.messages.map((m, i) => ({ cursor: cursors[i]!, node: m })),
      pageInfo: pageInfo(cursors, page.hasNextPage, page.hasPreviousPage),
    };
  }

  @Query(() => MessageConnectionModel, {
    description:
      'Search in your conversations (or one), best match first, in every script: words match by prefix (`fo` finds `fox`), quoted text as a phrase, Chinese, Japanese, Thai and emoji by substring; case, accents and width do not matter. Edges carry a highlighted snippet.',
  })
  async searchMessages(
    @CurrentActor() actor: Authenticated,
    @Args('query') query: string,
    @Args('conversationId', { type: () => ID, nullable: true }) conversationId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<MessageConnectionModel> {
    const result = await this.queries.search(actor, query, conversationId, first, after);
    return {
      edges: result.messages.map((m, i) => ({
        cursor: result.cursors[i]!,
        node: m,
        snippet: result.snippets[i] ?? null,
      })),
      pageInfo: pageInfo(result.cursors, result.hasNextPage, !!after),
    };
  }

  @Mutation(() => MessageModel, {
    description: 'Idempotent on (caller, clientMessageId): a retry returns the first result.',
  })
  async sendMessage(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: SendMessageInput,
  ): Promise<Message> {
    const { message } = await this.send.send(actor, input);
    return message;
  }

  @Mutation(() => MessageModel)
  editMessage(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
    @Args('body') body: string,
  ) {
    return this.send.edit(actor, id, body);
  }

  @Mutation(() => MessageModel, { description: 'Leaves a tombstone.' })
  deleteMessage(@CurrentActor() actor: Authenticated, @Args('id', { type: () => ID }) id: string) {
    return this.send.delete(actor, id);
  }

  @Mutation(() => MessageModel)
  addReaction(
    @CurrentActor() actor: Authenticated,
    @Args('messageId', { type: () => ID }) messageId: string,
    @Args('emoji') emoji: string,
  ) {
    return this.send.react(actor, messageId, emoji, true);
  }

  @Mutation(() => MessageModel)
  removeReaction(
    @CurrentActor() actor: Authenticated,
    @Args('messageId', { type: () => ID }) messageId: string,
    @Args('emoji') emoji: string,
  ) {
    return this.send.react(actor, messageId, emoji, false);
  }

  @ResolveField(() => String, { nullable: true })
  clientMessageId(@Parent() m: Message, @CurrentActor() actor: Authenticated): string | null {
    return clientMessageIdSeenBy(m, actor.userId);
  }

  @ResolveField(() => UserModel)
  async sender(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<User> {
    const user = await ctx.loaders.users(actor).load(m.senderId);
    if (!user) throw new Error(`sender ${m.senderId} of message ${m.id} not found`);
    return user;
  }

  @ResolveField(() => MessageModel, { nullable: true })
  async replyTo(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<Message | null> {
    if (!m.replyToId) return null;
    return quotedMessageOf(m, await ctx.loaders.messages(actor).load(m.replyToId));
  }

  @ResolveField(() => [ReactionSummaryModel])
  async reactions(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<ReactionSummaryModel[]> {
    if (m.deletedAt) return [];
    const summaries = await ctx.loaders.reactions(actor).load(m.id);
    return summaries.map((s) => ({ emoji: s.emoji, count: s.count, reactedByMe: s.mine }));
  }

  @ResolveField(() => [UserModel])
  async mentions(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<User[]> {
    if (m.deletedAt) return [];
    const users = await Promise.all(m.mentions.map((id) => ctx.loaders.users(actor).load(id)));
    return users.filter((u): u is User => !!u);
  }

  @ResolveField(() => Boolean)
  mentionsAll(@Parent() m: Message): boolean {
    return mentionsAllShown(m);
  }

  @ResolveField(() => Boolean)
  mentionsMe(@Parent() m: Message, @CurrentActor() actor: Authenticated): boolean {
    return mentionsViewer(m, actor.userId);
  }

  @ResolveField(() => Int)
  readBy(@Parent() m: Message, @CurrentActor() actor: Authenticated): Promise<number> {
    return this.queries.readBy(actor, m);
  }

  @ResolveField(() => Int)
  deliveredTo(@Parent() m: Message, @CurrentActor() actor: Authenticated): Promise<number> {
    return this.queries.deliveredTo(actor, m);
  }
}
