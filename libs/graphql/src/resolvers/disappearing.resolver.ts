import { UseGuards } from '@nestjs/common';
import { Int, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, CoreSettings } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';

/** The disappearing-message timers this deployment offers (DISAPPEARING_TIMERS_SECONDS). */
@Resolver()
@UseGuards(AuthGuard)
export class DisappearingResolver {
  constructor(private readonly settings: CoreSettings) {}

  @Query(() => [Int], {
    description:
      'The disappearing-message timers (seconds, ascending) that updateConversation accepts besides 0 (off).',
  })
  disappearingTimers(@CurrentActor() _actor: Authenticated): readonly number[] {
    return this.settings.disappearingTimers;
  }
}
