import { createUnionType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { CallEndReasonEnum, CallModel, CallSignalKindEnum, SdpTypeEnum } from './call.model';
import { ConversationModel } from './conversation.model';
import { MembershipChangeEnum } from './enums';
import { MessageModel } from './message.model';
import { UserModel } from './user.model';
import { AttachmentModel } from './attachment.model';
import { ReportModel } from './report.model';

@ObjectType('MessageAdded')
export class MessageAddedModel {
  readonly __typename = 'MessageAdded';
  @Field(() => MessageModel) message!: unknown;
  @Field(() => Int, { description: 'Equals message.seq.' }) seq!: number;
}

@ObjectType('MessageUpdated', { description: 'Edits, deletions and reactions.' })
export class MessageUpdatedModel {
  readonly __typename = 'MessageUpdated';
  @Field(() => MessageModel) message!: unknown;
  @Field(() => Int, { description: 'Seq of this update in the conversation log.' }) seq!: number;
}

@ObjectType('ReadReceipt')
export class ReadReceiptModel {
  readonly __typename = 'ReadReceipt';
  @Field(() => ID) conversationId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => Int) seq!: number;
}

@ObjectType('DeliveryReceipt', {
  description:
    'A member of a direct chat or group received everything up to seq (their delivered pointer moved). Not sent in channels.',
})
export class DeliveryReceiptModel {
  readonly __typename = 'DeliveryReceipt';
  @Field(() => ID) conversationId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => Int) seq!: number;
}

@ObjectType('MessagesExpired', {
  description:
    'Disappearing messages whose time was up were deleted, leaving no tombstone: remove them. fromSeq and toSeq bound their seqs. Not replayed on resume (expired messages are never returned; drop messages past their expiresAt).',
})
export class MessagesExpiredModel {
  readonly __typename = 'MessagesExpired';
  @Field(() => ID) conversationId!: string;
  @Field(() => [ID]) messageIds!: string[];
  @Field(() => Int) fromSeq!: number;
  @Field(() => Int) toSeq!: number;
}

@ObjectType('ConversationChanged')
export class ConversationChangedModel {
  readonly __typename = 'ConversationChanged';
  @Field(() => ConversationModel) conversation!: unknown;
  @Field(() => Int, {
    nullable: true,
    description:
      'Seq of the change in the conversation log (a title change); null when only my own settings or read pointer changed. Not named `seq` because it is nullable.',
  })
  logSeq!: number | null;
}

@ObjectType('MembershipChanged')
export class MembershipChangedModel {
  readonly __typename = 'MembershipChanged';
  @Field(() => ConversationModel) conversation!: unknown;
  @Field(() => ID) userId!: string;
  @Field(() => MembershipChangeEnum) change!: MembershipChangeEnum;
  @Field(() => Int) seq!: number;
}

@ObjectType('TypingChanged')
export class TypingChangedModel {
  readonly __typename = 'TypingChanged';
  @Field(() => ID) conversationId!: string;
  @Field(() => UserModel) user!: unknown;
  @Field() typing!: boolean;
}

@ObjectType('PresenceChanged')
export class PresenceChangedModel {
  readonly __typename = 'PresenceChanged';
  @Field(() => UserModel) user!: unknown;
}

@ObjectType('ResyncRequired', { description: 'Replay is impossible: refetch that conversation.' })
export class ResyncRequiredModel {
  readonly __typename = 'ResyncRequired';
  @Field(() => ID) conversationId!: string;
  @Field() reason!: string;
}

@ObjectType('AttachmentUpdated', {
  description:
    'Media processing of a file finished (dimensions, thumbnail, placeholder) or gave up (it is now a FILE). Sent to the conversation once the file was sent, else to its uploader.',
})
export class AttachmentUpdatedModel {
  readonly __typename = 'AttachmentUpdated';
  @Field(() => ID) conversationId!: string;
  @Field(() => ID, { nullable: true, description: 'The message carrying the file, if sent.' })
  messageId!: string | null;
  @Field(() => AttachmentModel) attachment!: unknown;
}

@ObjectType('CallSignal', {
  description: 'A call signal for this device (only the two parties of a call receive any).',
})
export class CallSignalModel {
  readonly __typename = 'CallSignal';
  @Field(() => CallSignalKindEnum) kind!: CallSignalKindEnum;
  @Field(() => CallModel) call!: unknown;
  @Field(() => ID) fromUserId!: string;
  @Field(() => String, { nullable: true }) sdp!: string | null;
  @Field(() => SdpTypeEnum, { nullable: true }) sdpType!: SdpTypeEnum | null;
  @Field(() => [String], { description: 'JSON RTCIceCandidateInit objects (CANDIDATES).' })
  candidates!: string[];
  @Field(() => CallEndReasonEnum, { nullable: true, description: 'Why it ended (ENDED).' })
  endReason!: CallEndReasonEnum | null;
}

@ObjectType('ReportResolved', {
  description: 'One of your reports was resolved: what was done about it (your devices only).',
})
export class ReportResolvedModel {
  readonly __typename = 'ReportResolved';
  @Field(() => ReportModel) report!: unknown;
}

@ObjectType('ThreadStateChanged', {
  description:
    'You followed, unfollowed or read a thread on another device: the root, whose `thread` has your state now (your devices only; not logged, no seq).',
})
export class ThreadStateChangedModel {
  readonly __typename = 'ThreadStateChanged';
  @Field(() => ID) conversationId!: string;
  @Field(() => MessageModel) root!: unknown;
}

export type ChatEventObject =
  | MessageAddedModel
  | MessageUpdatedModel
  | ReadReceiptModel
  | DeliveryReceiptModel
  | MessagesExpiredModel
  | ConversationChangedModel
  | MembershipChangedModel
  | TypingChangedModel
  | PresenceChangedModel
  | ResyncRequiredModel
  | AttachmentUpdatedModel
  | CallSignalModel
  | ReportResolvedModel
  | ThreadStateChangedModel;

export const ChatEventUnion = createUnionType({
  name: 'ChatEvent',
  types: () =>
    [
      MessageAddedModel,
      MessageUpdatedModel,
      ReadReceiptModel,
      DeliveryReceiptModel,
      MessagesExpiredModel,
      ConversationChangedModel,
      MembershipChangedModel,
      TypingChangedModel,
      PresenceChangedModel,
      ResyncRequiredModel,
      AttachmentUpdatedModel,
      CallSignalModel,
      ReportResolvedModel,
      ThreadStateChangedModel,
    ] as const,
  resolveType: (value: ChatEventObject) => value.__typename,
});
