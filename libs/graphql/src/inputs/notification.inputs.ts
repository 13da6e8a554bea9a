import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { NotifyLevelEnum } from '../models/notification.model';

@InputType('RegisterPushDeviceInput', {
  description: 'A PushSubscription of this browser (subscription.toJSON()): endpoint and keys.',
})
export class RegisterPushDeviceInput {
  @Field() endpoint!: string;
  @Field({ description: 'keys.p256dh (base64url).' }) p256dh!: string;
  @Field({ description: 'keys.auth (base64url).' }) auth!: string;
  @Field(() => String, { nullable: true, description: 'A name I recognise, up to 64 characters.' })
  label?: string | null;
}

@InputType('RegisterGatewayDeviceInput', {
  description: 'A native app install: the app id the push gateway knows and its pushkey.',
})
export class RegisterGatewayDeviceInput {
  @Field() appId!: string;
  @Field({ description: 'The APNs/FCM token (or what the gateway expects for the app).' })
  pushkey!: string;
  @Field(() => String, { nullable: true }) label?: string | null;
}

@InputType('QuietHoursInput')
export class QuietHoursInput {
  @Field(() => Int) startMinute!: number;
  @Field(() => Int) endMinute!: number;
}

@InputType('NotifyLevelsInput')
export class NotifyLevelsInput {
  @Field(() => NotifyLevelEnum, { nullable: true }) direct?: NotifyLevelEnum | null;
  @Field(() => NotifyLevelEnum, { nullable: true }) group?: NotifyLevelEnum | null;
  @Field(() => NotifyLevelEnum, { nullable: true }) channel?: NotifyLevelEnum | null;
}

@InputType('UpdateNotificationSettingsInput', { description: 'Fields left out keep their value.' })
export class UpdateNotificationSettingsInput {
  @Field(() => NotifyLevelsInput, { nullable: true }) levels?: NotifyLevelsInput | null;
  @Field(() => String, { nullable: true }) timeZone?: string | null;
  @Field(() => QuietHoursInput, { nullable: true }) quietHours?: QuietHoursInput | null;
  @Field(() => Boolean, { nullable: true, description: 'True removes the quiet hours.' })
  clearQuietHours?: boolean | null;
  @Field(() => Boolean, { nullable: true }) onlyIfUnread?: boolean | null;
  @Field(() => Int, { nullable: true, description: '0–3600.' }) delaySeconds?: number | null;
}

@InputType('SetConversationNotificationsInput')
export class SetConversationNotificationsInput {
  @Field(() => ID) conversationId!: string;
  @Field(() => NotifyLevelEnum, { nullable: true, description: 'Null: my default.' })
  level?: NotifyLevelEnum | null;
  @Field(() => Date, { nullable: true, description: 'Null: not muted.' })
  mutedUntil?: Date | null;
}
