import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { HistoryVisibilityEnum, MemberRoleEnum } from './enums';
import { SameForEveryViewer } from './viewer-dependent.decorator';
import { UserModel } from './user.model';

export enum NoticeKindEnum {
  MEMBER_ADDED = 'MEMBER_ADDED',
  MEMBER_JOINED = 'MEMBER_JOINED',
  MEMBER_REMOVED = 'MEMBER_REMOVED',
  MEMBER_LEFT = 'MEMBER_LEFT',
  ROLE_CHANGED = 'ROLE_CHANGED',
  TITLE_CHANGED = 'TITLE_CHANGED',
  HISTORY_VISIBILITY_CHANGED = 'HISTORY_VISIBILITY_CHANGED',
  DESCRIPTION_CHANGED = 'DESCRIPTION_CHANGED',
  DISAPPEARING_CHANGED = 'DISAPPEARING_CHANGED',
  CONVERSATION_CHANGED = 'CONVERSATION_CHANGED',
}
registerEnumType(NoticeKindEnum, {
  name: 'NoticeKind',
  description:
    'MEMBER_JOINED: added by themselves (joinChannel). CONVERSATION_CHANGED: a change recorded without its details.',
});

/** Parent objects are `NoticeView`s; actor and member are resolved by NoticeResolver. */
@ObjectType('ConversationNotice', {
  description:
    'A line of the timeline between messages: a membership, role, title or setting change. Its seq is the one of the same change in chatEvents (MembershipChanged, ConversationChanged).',
})
export class ConversationNoticeModel {
  @Field(() => ID, { description: 'conversationId:seq' }) id!: string;
  @Field(() => ID) conversationId!: string;
  @Field(() => Int) seq!: number;
  @Field(() => Date) at!: Date;
  @Field(() => NoticeKindEnum) kind!: NoticeKindEnum;
  @SameForEveryViewer('the actor only scopes the load to the tenant')
  @Field(() => UserModel, {
    nullable: true,
    description: 'Who made the change; null when it was not recorded.',
  })
  actor!: unknown;
  @SameForEveryViewer('the actor only scopes the load to the tenant')
  @Field(() => UserModel, {
    nullable: true,
    description: 'The member concerned, for membership and role changes.',
  })
  member!: unknown;
  @Field(() => MemberRoleEnum, { nullable: true, description: 'The new role (ROLE_CHANGED).' })
  role!: MemberRoleEnum | null;
  @Field(() => String, { nullable: true, description: 'The new title (TITLE_CHANGED).' })
  title!: string | null;
  @Field(() => HistoryVisibilityEnum, { nullable: true })
  historyVisibility!: HistoryVisibilityEnum | null;
  @Field(() => String, {
    nullable: true,
    description: 'The new description (DESCRIPTION_CHANGED).',
  })
  description!: string | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'The new disappearing-messages timer in seconds, 0 when turned off (DISAPPEARING_CHANGED).',
  })
  disappearAfterSeconds!: number | null;
}

@ObjectType('ConversationNoticeConnection')
export class ConversationNoticeConnectionModel {
  @Field(() => [ConversationNoticeModel], { description: 'Oldest first.' })
  notices!: ConversationNoticeModel[];
  @Field(() => Boolean) hasNextPage!: boolean;
}
