import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum NotifyLevelEnum {
  ALL = 'ALL',
  MENTIONS = 'MENTIONS',
  NONE = 'NONE',
}
registerEnumType(NotifyLevelEnum, {
  name: 'NotifyLevel',
  description: 'What notifies: every message, only mentions of me (and @all), or nothing.',
});

@ObjectType('PushDevice', {
  description: 'A browser or app of mine that receives push notifications.',
})
export class PushDeviceModel {
  @Field(() => ID) id!: string;
  @Field({
    description: 'WEB_PUSH (a browser) or GATEWAY (a native app through the push gateway).',
  })
  kind!: string;
  @Field() label!: string;
  @Field({
    description:
      'How the device is reached: the push service origin (Web Push) or `gateway:<appId>`.',
  })
  pushService!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When a push last reached the service.' })
  lastSuccessAt!: Date | null;
}

@ObjectType('QuietHours', {
  description:
    'Do-not-disturb hours in my time zone, minutes since midnight; may wrap past midnight.',
})
export class QuietHoursModel {
  @Field(() => Int) startMinute!: number;
  @Field(() => Int) endMinute!: number;
}

@ObjectType('NotifyLevels', { description: 'My default level per kind of conversation.' })
export class NotifyLevelsModel {
  @Field(() => NotifyLevelEnum) direct!: NotifyLevelEnum;
  @Field(() => NotifyLevelEnum) group!: NotifyLevelEnum;
  @Field(() => NotifyLevelEnum) channel!: NotifyLevelEnum;
}

@ObjectType('NotificationSettings', { description: 'My notification defaults.' })
export class NotificationSettingsModel {
  @Field(() => NotifyLevelsModel) levels!: NotifyLevelsModel;
  @Field({ description: 'IANA time zone of the quiet hours.' }) timeZone!: string;
  @Field(() => QuietHoursModel, { nullable: true }) quietHours!: QuietHoursModel | null;
  @Field({
    description:
      'Notify only if a message is still unread after delaySeconds and I was not active on another device meanwhile.',
  })
  onlyIfUnread!: boolean;
  @Field(() => Int) delaySeconds!: number;
}

@ObjectType('ConversationNotificationSettings', {
  description: 'My notification override for one conversation.',
})
export class ConversationNotificationSettingsModel {
  @Field(() => ID) conversationId!: string;
  @Field(() => NotifyLevelEnum, {
    nullable: true,
    description: 'Null: my default for the kind of conversation.',
  })
  level!: NotifyLevelEnum | null;
  @Field(() => Date, {
    nullable: true,
    description: 'Muted (no notifications, no badge) until then; null: not muted.',
  })
  mutedUntil!: Date | null;
}
