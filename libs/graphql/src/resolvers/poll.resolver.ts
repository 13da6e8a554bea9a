import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, Message, Polls, User } from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { MessageModel } from '../models/message.model';
import { PollModel, SendPollInput } from '../models/poll.model';
import { ViewerDependent } from '../models/viewer-dependent.decorator';

/** Poll messages: sending, voting, closing, and `Message.poll`. */
@Resolver(() => MessageModel)
@UseGuards(AuthGuard)
export class PollResolver {
  constructor(private readonly polls: Polls) {}

  @Mutation(() => MessageModel, {
    description:
      'Sends a poll message (its body is the question). Idempotent on (caller, clientMessageId).',
  })
  sendPoll(@CurrentActor() actor: Authenticated, @Args('input') input: SendPollInput) {
    return this.polls.create(actor, input);
  }

  @Mutation(() => MessageModel, {
    description:
      'Replaces my votes on a poll; an empty list retracts them. A single-choice poll takes one id. POLL_CLOSED once closed.',
  })
  votePoll(
    @CurrentActor() actor: Authenticated,
    @Args('messageId', { type: () => ID }) messageId: string,
    @Args('optionIds', { type: () => [ID] }) optionIds: string[],
  ) {
    return this.polls.vote(actor, messageId, optionIds);
  }

  @Mutation(() => MessageModel, {
    description: 'Closes a poll: its creator, or an owner or admin of the conversation.',
  })
  closePoll(
    @CurrentActor() actor: Authenticated,
    @Args('messageId', { type: () => ID }) messageId: string,
  ) {
    return this.polls.close(actor, messageId);
  }

  @ViewerDependent()
  @ResolveField(() => PollModel, {
    nullable: true,
    description: 'Set on a poll message (null once deleted).',
  })
  async poll(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<PollModel | null> {
    if (m.deletedAt) return null;
    const view = await ctx.loaders.polls(actor, (ids) => this.polls.views(actor, ids)).load(m.id);
    if (!view) return null;
    const { poll } = view;
    const users = ctx.loaders.users(actor);
    const options = await Promise.all(
      view.options.map(async (o) => {
        const voters = (await Promise.all(o.voterIds.map((id) => users.load(id)))).filter(
          (u): u is User => !!u,
        );
        return { id: o.id, text: o.text, voteCount: o.voteCount, voters };
      }),
    );
    return {
      question: poll.question,
      options,
      multipleChoice: poll.multipleChoice,
      anonymous: poll.anonymous,
      closedAt: poll.closedAt,
      totalVoters: view.totalVoters,
      myVotes: view.myVotes,
      creatorId: poll.creatorId,
    };
  }
}
