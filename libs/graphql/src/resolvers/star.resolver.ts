import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, ForwardMessage, Message, StarMessages } from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { ForwardMessageInput } from '../inputs/inputs';
import { MessageConnectionModel, MessageModel } from '../models/message.model';
import { pageInfo } from '../models/page-info.model';

/** Starred messages (private to each user) and forwarding. */
@Resolver(() => MessageModel)
@UseGuards(AuthGuard)
export class StarResolver {
  constructor(
    private readonly stars: StarMessages,
    private readonly forwarding: ForwardMessage,
  ) {}

  @Query(() => MessageConnectionModel, {
    description:
      'Messages I starred that I can still read, across conversations, newest star first. At most 50 a page.',
  })
  async starredMessages(
    @CurrentActor() actor: Authenticated,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<MessageConnectionModel> {
    const page = await this.stars.list(actor, first, after);
    return {
      edges: page.messages.map((m, i) => ({ cursor: page.cursors[i]!, node: m })),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, !!after),
    };
  }

  @Mutation(() => MessageModel, { description: 'Stars a message I can read (only I see it).' })
  starMessage(
    @CurrentActor() actor: Authenticated,
    @Args('messageId', { type: () => ID }) messageId: string,
  ): Promise<Message> {
    return this.stars.setStarred(actor, messageId, true);
  }

  @Mutation(() => MessageModel)
  unstarMessage(
    @CurrentActor() actor: Authenticated,
    @Args('messageId', { type: () => ID }) messageId: string,
  ): Promise<Message> {
    return this.stars.setStarred(actor, messageId, false);
  }

  @Mutation(() => MessageModel, {
    description:
      'Sends a copy of a message you can read to a conversation you can send in, labelled forwarded (its origin is not disclosed). Limited like sends; idempotent on clientMessageId. Messages with attachments, deleted messages and call records are refused (VALIDATION_FAILED with reason FORWARD_ATTACHMENTS, FORWARD_DELETED, FORWARD_CALL).',
  })
  async forwardMessage(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: ForwardMessageInput,
  ): Promise<Message> {
    return (await this.forwarding.forward(actor, input)).message;
  }

  @ResolveField(() => Boolean)
  starredByMe(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<boolean> {
    return ctx.loaders
      .byMessage(
        'starredByMe',
        async (ids) => {
          const starred = await this.stars.starredAmong(actor, ids);
          return new Map(ids.map((id) => [id, starred.has(id)]));
        },
        false,
      )
      .load(m.id);
  }
}
