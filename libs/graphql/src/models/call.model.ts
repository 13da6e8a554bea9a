import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ViewerDependent } from './viewer-dependent.decorator';

export enum CallMediaEnum {
  VOICE = 'VOICE',
  VIDEO = 'VIDEO',
}
export enum CallStateEnum {
  RINGING = 'RINGING',
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
}
export enum CallEndReasonEnum {
  HANGUP = 'HANGUP',
  CANCELLED = 'CANCELLED',
  DECLINED = 'DECLINED',
  MISSED = 'MISSED',
  FAILED = 'FAILED',
  BLOCKED = 'BLOCKED',
}
export enum CallOutcomeEnum {
  COMPLETED = 'COMPLETED',
  MISSED = 'MISSED',
  DECLINED = 'DECLINED',
}
export enum CallSignalKindEnum {
  INVITE = 'INVITE',
  ANSWERED = 'ANSWERED',
  ANSWERED_ELSEWHERE = 'ANSWERED_ELSEWHERE',
  CANDIDATES = 'CANDIDATES',
  RENEGOTIATE = 'RENEGOTIATE',
  ENDED = 'ENDED',
}
export enum SdpTypeEnum {
  offer = 'offer',
  answer = 'answer',
}

registerEnumType(CallMediaEnum, { name: 'CallMedia' });
registerEnumType(CallStateEnum, {
  name: 'CallState',
  description:
    'RINGING until answered or ended (an unanswered invite expires); ACTIVE once answered.',
});
registerEnumType(CallEndReasonEnum, {
  name: 'CallEndReason',
  description:
    'HANGUP: a party hung up an answered call. CANCELLED: the caller hung up while it rang. DECLINED: the callee rejected it. MISSED: nobody answered in time. FAILED: a party could not connect, or left an answered call without hanging up (no connected device for CALL_DISCONNECT_GRACE_SECONDS). BLOCKED: a block ended it.',
});
registerEnumType(CallOutcomeEnum, { name: 'CallOutcome' });
registerEnumType(CallSignalKindEnum, {
  name: 'CallSignalKind',
  description:
    'INVITE rings the callee (sdp: the offer). ANSWERED gives the caller the answer (sdp). ANSWERED_ELSEWHERE: another device of mine answered; stop ringing. CANDIDATES: ICE candidates for my peer connection. RENEGOTIATE: a new offer or answer (sdpType). ENDED: the call is over (reason).',
});
registerEnumType(SdpTypeEnum, { name: 'SdpType' });

/** Parent objects are domain calls. */
@ObjectType('Call', { description: 'A one-to-one voice or video call in a direct conversation.' })
export class CallModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) conversationId!: string;
  @Field(() => ID) callerId!: string;
  @Field(() => ID) calleeId!: string;
  @Field(() => CallMediaEnum) media!: CallMediaEnum;
  @Field(() => CallStateEnum) state!: CallStateEnum;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { description: 'When an unanswered invite becomes a missed call.' })
  expiresAt!: Date;
  @Field(() => Date, { nullable: true }) answeredAt!: Date | null;
  @Field(() => Date, { nullable: true }) endedAt!: Date | null;
  @Field(() => CallEndReasonEnum, { nullable: true }) endReason!: CallEndReasonEnum | null;
  @ViewerDependent()
  @Field(() => String, {
    nullable: true,
    description:
      'The SDP offer: for the callee while the call rings (to answer on a device that connected late).',
  })
  offerSdp!: string | null;
}

@ObjectType('CallSummary', { description: 'What the history keeps of an ended call.' })
export class CallSummaryModel {
  @Field(() => ID) callId!: string;
  @Field(() => CallMediaEnum) media!: CallMediaEnum;
  @Field(() => CallOutcomeEnum) outcome!: CallOutcomeEnum;
  @Field(() => CallEndReasonEnum) endReason!: CallEndReasonEnum;
  @Field(() => Int, {
    nullable: true,
    description: 'Seconds from answer to end; null if never answered.',
  })
  durationSeconds!: number | null;
}

@ObjectType('IceServer')
export class IceServerModel {
  @Field(() => [String]) urls!: string[];
  @Field(() => String, { nullable: true }) username!: string | null;
  @Field(() => String, { nullable: true }) credential!: string | null;
}

@ObjectType('IceServers', {
  description:
    'For RTCPeerConnection({ iceServers }). Without TURN, calls connect only when the two devices reach each other directly.',
})
export class IceServersModel {
  @Field(() => [IceServerModel]) servers!: IceServerModel[];
  @Field({ description: 'Whether a TURN relay is configured (calls across networks need one).' })
  turnConfigured!: boolean;
  @Field(() => Date, { nullable: true, description: 'When the TURN credentials expire.' })
  expiresAt!: Date | null;
}
