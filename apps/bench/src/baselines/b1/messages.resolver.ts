import { Inject } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { PubSub } from 'graphql-subscriptions';
import { randomUUID } from 'node:crypto';
import { Message } from './message.model';
import { PUB_SUB } from './pub-sub.provider';
import { SendMessageInput } from './send-message.input';
import type { B1Context } from './b1-context';

/**
 * Exactly the pattern of docs.nestjs.com/graphql/subscriptions: every event goes
 * to the single `messageAdded` topic, and each subscription filters it by roomId
 * (the `filter` option is Nest's `withFilter`). Each delivery then runs the
 * subscription's selection and serialization once per subscriber.
 */
@Resolver(() => Message)
export class MessagesResolver {
  constructor(@Inject(PUB_SUB) private readonly pubSub: PubSub) {}

  @Query(() => String)
  ping(): string {
    return 'pong';
  }

  @Mutation(() => Message)
  async sendMessage(
    @Args('input') input: SendMessageInput,
    @Context() ctx: B1Context,
  ): Promise<Message> {
    const user = await ctx.user();
    const message: Message = {
      id: randomUUID(),
      roomId: input.roomId,
      senderId: user.userId,
      body: input.body,
      createdAt: new Date(),
    };
    await this.pubSub.publish('messageAdded', { messageAdded: message });
    return message;
  }

  @Subscription(() => Message, {
    filter: (payload: { messageAdded: Message }, variables: { roomId: string }) =>
      payload.messageAdded.roomId === variables.roomId,
  })
  messageAdded(
    @Args('roomId', { type: () => ID }) _roomId: string,
  ): AsyncIterableIterator<unknown> {
    return this.pubSub.asyncIterableIterator('messageAdded');
  }
}
