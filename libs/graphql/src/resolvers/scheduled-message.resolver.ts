import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, ScheduledMessage, ScheduleMessages } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import {
  ScheduledMessageModel,
  ScheduleMessageInput,
  UpdateScheduledMessageInput,
} from '../models/scheduled-message.model';

/** Send later: scheduling, listing, editing and cancelling; the rules are in ScheduleMessages. */
@Resolver(() => ScheduledMessageModel)
@UseGuards(AuthGuard)
export class ScheduledMessageResolver {
  constructor(private readonly scheduled: ScheduleMessages) {}

  @Mutation(() => ScheduledMessageModel, {
    description:
      'Schedules a message to a conversation you belong to, sent once at sendAt. Idempotent on (caller, clientMessageId).',
  })
  scheduleMessage(
    @CurrentActor() actor: Authenticated,
    @Args('input', { type: () => ScheduleMessageInput }) input: ScheduleMessageInput,
  ): Promise<ScheduledMessage> {
    return this.scheduled.schedule(actor, input);
  }

  @Query(() => [ScheduledMessageModel], {
    description:
      'Your scheduled messages (waiting, being sent or failed), soonest first, optionally of one conversation; at most 200.',
  })
  scheduledMessages(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID, nullable: true }) conversationId: string | null,
  ): Promise<ScheduledMessage[]> {
    return this.scheduled.mine(actor, conversationId);
  }

  @Mutation(() => ScheduledMessageModel, {
    description: 'Changes the body and/or sendAt of a scheduled message that is still PENDING.',
  })
  updateScheduledMessage(
    @CurrentActor() actor: Authenticated,
    @Args('input', { type: () => UpdateScheduledMessageInput }) input: UpdateScheduledMessageInput,
  ): Promise<ScheduledMessage> {
    return this.scheduled.edit(actor, input.id, input);
  }

  @Mutation(() => Boolean, {
    description: 'Cancels a PENDING scheduled message, or dismisses a FAILED one.',
  })
  cancelScheduledMessage(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.scheduled.cancel(actor, id);
  }
}
