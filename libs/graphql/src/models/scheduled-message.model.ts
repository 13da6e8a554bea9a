import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ScheduledMessageStateEnum {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  FAILED = 'FAILED',
}
registerEnumType(ScheduledMessageStateEnum, {
  name: 'ScheduledMessageState',
  description:
    'PENDING waits for sendAt (editable, cancellable); SENDING is being sent; FAILED could not be sent (see failure; cancel dismisses it).',
});

@ObjectType('ScheduledMessage', {
  description: 'A message of yours waiting to be sent at sendAt (only its sender sees it).',
})
export class ScheduledMessageModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) conversationId!: string;
  @Field({ description: 'The clientMessageId the sent message will carry.' })
  clientMessageId!: string;
  @Field() body!: string;
  @Field(() => Date) sendAt!: Date;
  @Field(() => ScheduledMessageStateEnum) state!: ScheduledMessageStateEnum;
  @Field(() => String, {
    nullable: true,
    description:
      'Why a FAILED message was not sent: an error code such as NOT_A_MEMBER, BLOCKED, NOT_FOUND, ACCOUNT_BANNED or ACCOUNT_SUSPENDED.',
  })
  failure!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@InputType('ScheduleMessageInput')
export class ScheduleMessageInput {
  @Field(() => ID) conversationId!: string;
  @Field({
    description:
      'Client-generated id (1–64 of A–Z a–z 0–9 _ . : -): a retry returns the first scheduled message, and the message is sent with it.',
  })
  clientMessageId!: string;
  @Field({ description: 'Up to 4000 characters, kept exactly as given.' }) body!: string;
  @Field(() => Date, { description: 'When to send: in the future, at most a year ahead.' })
  sendAt!: Date;
}

@InputType('UpdateScheduledMessageInput')
export class UpdateScheduledMessageInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) body?: string | null;
  @Field(() => Date, { nullable: true }) sendAt?: Date | null;
}
