import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, Call, GetIceServers, ManageCalls, offerSdpSeenBy } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import {
  CallEndReasonEnum,
  CallMediaEnum,
  CallModel,
  IceServersModel,
  SdpTypeEnum,
} from '../models/call.model';

/** One-to-one calls: signaling mutations; signals arrive as CallSignal in chatEvents. */
@Resolver(() => CallModel)
@UseGuards(AuthGuard)
export class CallResolver {
  constructor(
    private readonly calls: ManageCalls,
    private readonly ice: GetIceServers,
  ) {}

  @Query(() => IceServersModel, {
    description: 'STUN servers and short-lived TURN credentials (TURN REST scheme) for my calls.',
  })
  iceServers(@CurrentActor() actor: Authenticated): IceServersModel {
    return this.ice.forUser(actor);
  }

  @Query(() => [CallModel], {
    description: 'My calls that ring or are under way (a device that just connected can ring).',
  })
  activeCalls(@CurrentActor() actor: Authenticated): Promise<Call[]> {
    return this.calls.live(actor);
  }

  @Mutation(() => CallModel, {
    description:
      'Calls the other member of a direct conversation with an SDP offer; rings all their devices. BUSY when either is in a call, BLOCKED when either blocked the other.',
  })
  startCall(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) conversationId: string,
    @Args('media', { type: () => CallMediaEnum }) media: CallMediaEnum,
    @Args('sdp') sdp: string,
  ): Promise<Call> {
    return this.calls.start(actor, { conversationId, media, sdp });
  }

  @Mutation(() => CallModel, {
    description:
      'Answers on this device with an SDP answer; the first answer wins (CONFLICT afterwards).',
  })
  answerCall(
    @CurrentActor() actor: Authenticated,
    @Args('callId', { type: () => ID }) callId: string,
    @Args('sdp') sdp: string,
  ): Promise<Call> {
    return this.calls.answer(actor, callId, sdp);
  }

  @Mutation(() => CallModel, {
    description: 'A batch of ICE candidates (JSON RTCIceCandidateInit).',
  })
  sendCallCandidates(
    @CurrentActor() actor: Authenticated,
    @Args('callId', { type: () => ID }) callId: string,
    @Args('candidates', { type: () => [String] }) candidates: string[],
  ): Promise<Call> {
    return this.calls.candidates(actor, callId, candidates);
  }

  @Mutation(() => CallModel, { description: 'A new offer or answer in an answered call.' })
  renegotiateCall(
    @CurrentActor() actor: Authenticated,
    @Args('callId', { type: () => ID }) callId: string,
    @Args('sdp') sdp: string,
    @Args('sdpType', { type: () => SdpTypeEnum }) sdpType: SdpTypeEnum,
  ): Promise<Call> {
    return this.calls.renegotiate(actor, callId, sdp, sdpType);
  }

  @Mutation(() => CallModel, { description: 'The callee declines a ringing call.' })
  rejectCall(
    @CurrentActor() actor: Authenticated,
    @Args('callId', { type: () => ID }) callId: string,
  ): Promise<Call> {
    return this.calls.reject(actor, callId);
  }

  @Mutation(() => CallModel, {
    description:
      'Either party ends the call; reason HANGUP (default) or FAILED (could not connect).',
  })
  hangUpCall(
    @CurrentActor() actor: Authenticated,
    @Args('callId', { type: () => ID }) callId: string,
    @Args('reason', { type: () => CallEndReasonEnum, nullable: true })
    reason: CallEndReasonEnum | null,
  ): Promise<Call> {
    return this.calls.hangUp(actor, callId, reason ?? 'HANGUP');
  }

  @ResolveField(() => String, { nullable: true })
  offerSdp(@Parent() call: Call, @CurrentActor() actor: Authenticated): string | null {
    return offerSdpSeenBy(call, actor.userId);
  }
}
