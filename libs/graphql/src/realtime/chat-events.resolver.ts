import { UseGuards } from '@nestjs/common';
import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { Authenticated, ChatStreams } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import { ConversationCursorInput } from '../inputs/inputs';
import { ChatEventUnion } from '../models/chat-event.model';
import { StreamIterator } from './stream-iterator';

@Resolver()
@UseGuards(AuthGuard)
export class ChatEventsResolver {
  constructor(private readonly streams: ChatStreams) {}

  /**
   * One stream per client for everything in the caller's conversations. With `since`, it first
   * replays from the store what happened after each cursor, then goes live, with nothing missed
   * and nothing repeated in between.
   */
  @Subscription(() => ChatEventUnion, {
    description: 'Everything in my conversations; resumable with per-conversation cursors.',
    resolve: (payload: { chatEvents: unknown }) => payload.chatEvents,
  })
  chatEvents(
    @CurrentActor() actor: Authenticated,
    @Args('since', { type: () => [ConversationCursorInput], nullable: true })
    since: ConversationCursorInput[] | null,
  ): AsyncIterableIterator<unknown> {
    const iterator = new StreamIterator();
    iterator.stream = this.streams.open(actor, since, iterator.push);
    return iterator;
  }
}
