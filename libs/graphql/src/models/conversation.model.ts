import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ViewerDependent } from './viewer-dependent.decorator';
import {
  ConversationKindEnum,
  HistoryVisibilityEnum,
  MemberRoleEnum,
  MembershipChangeEnum,
  MentionAllPolicyEnum,
} from './enums';
import { MessageModel } from './message.model';
import { PageInfoModel } from './page-info.model';
import { UserModel } from './user.model';

@ObjectType('Member')
export class MemberModel {
  @Field(() => UserModel) user!: unknown;
  @Field(() => MemberRoleEnum) role!: MemberRoleEnum;
  @Field(() => Date) joinedAt!: Date;
}

@ObjectType('MemberEdge')
export class MemberEdgeModel {
  @Field() cursor!: string;
  @Field(() => MemberModel) node!: unknown;
}

@ObjectType('MemberConnection')
export class MemberConnectionModel {
  @Field(() => [MemberEdgeModel]) edges!: MemberEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
}

@ObjectType('ConversationExit', {
  description:
    'How my latest membership of a conversation ended. I keep reading its history up to then (read-only).',
})
export class ConversationExitModel {
  @Field(() => MembershipChangeEnum, { description: 'REMOVED or LEFT.' })
  change!: MembershipChangeEnum;
  @Field(() => Date) at!: Date;
  @Field(() => UserModel, {
    nullable: true,
    description: 'Who removed me (myself when I left); null when not recorded.',
  })
  by!: unknown;
}

/** Parent objects are domain conversations; per-member fields are resolved by ConversationResolver. */
@ObjectType('Conversation')
export class ConversationModel {
  @Field(() => ID) id!: string;
  @Field(() => ConversationKindEnum) kind!: ConversationKindEnum;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'What the group or channel is about (its topic); null when none.',
  })
  description!: string | null;
  @ViewerDependent()
  @Field(() => UserModel, {
    nullable: true,
    description: 'The other participant of a DIRECT conversation.',
  })
  otherUser!: unknown;
  @ViewerDependent()
  @Field(() => MemberConnectionModel)
  members!: MemberConnectionModel;
  @Field(() => Int) memberCount!: number;
  @Field(() => HistoryVisibilityEnum, {
    description: 'Groups default to SINCE_JOINED, channels and direct chats to FULL.',
  })
  historyVisibility!: HistoryVisibilityEnum;
  @Field(() => MentionAllPolicyEnum, {
    description: 'Who may use @all. Groups default to MEMBERS, channels to ADMINS.',
  })
  mentionAll!: MentionAllPolicyEnum;
  @Field(() => Int, {
    nullable: true,
    description:
      'Disappearing messages: messages sent now expire this many seconds later (see Message.expiresAt); null when off.',
  })
  disappearAfterSeconds!: number | null;
  @Field(() => Int, { description: 'Seq of the latest ordered event.' }) lastSeq!: number;
  @ViewerDependent()
  @Field(() => MessageModel, { nullable: true })
  lastMessage!: unknown;
  @ViewerDependent()
  @Field(() => Int)
  unreadCount!: number;
  @ViewerDependent()
  @Field(() => Int, {
    description: 'Unread messages that mention me by name or with @all.',
  })
  unreadMentionCount!: number;
  @ViewerDependent()
  @Field(() => Int, { description: 'My read pointer.' })
  readSeq!: number;
  @ViewerDependent()
  @Field({
    description:
      'Whether I am a member now. False for a conversation I left or was removed from (read-only: I read its history up to then and cannot send, react or type) and for a public channel I have not joined.',
  })
  viewerIsMember!: boolean;
  @ViewerDependent()
  @Field(() => ConversationExitModel, {
    nullable: true,
    description: 'Set while I am a former member: how my membership ended.',
  })
  viewerExit!: ConversationExitModel | null;
  @ViewerDependent()
  @Field(() => MemberRoleEnum, {
    nullable: true,
    description: 'Null when I am not a member (public channel).',
  })
  myRole!: MemberRoleEnum | null;
  @ViewerDependent()
  @Field()
  muted!: boolean;
  @ViewerDependent()
  @Field()
  pinned!: boolean;
  @ViewerDependent()
  @Field()
  archived!: boolean;
  @ViewerDependent()
  @Field({
    description:
      'True while this direct conversation, opened by someone not in my contacts, awaits my consent (reply, acceptMessageRequest or addContact). Until then they see neither my phone number nor my CONTACTS-only presence.',
  })
  isMessageRequest!: boolean;
  @Field(() => Date) lastActivityAt!: Date;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('ConversationEdge')
export class ConversationEdgeModel {
  @Field() cursor!: string;
  @Field(() => ConversationModel) node!: unknown;
}

@ObjectType('ConversationConnection')
export class ConversationConnectionModel {
  @Field(() => [ConversationEdgeModel]) edges!: ConversationEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
}
