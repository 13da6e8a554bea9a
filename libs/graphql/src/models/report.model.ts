import { ViewerDependent } from './viewer-dependent.decorator';
import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MessageModel } from './message.model';
import { UserModel } from './user.model';

export enum ReportStatusEnum {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
export enum ReportOutcomeEnum {
  DISMISSED = 'DISMISSED',
  MESSAGE_DELETED = 'MESSAGE_DELETED',
  USER_SUSPENDED = 'USER_SUSPENDED',
  USER_BANNED = 'USER_BANNED',
}
export enum ReportActionEnum {
  DISMISS = 'DISMISS',
  DELETE = 'DELETE',
  SUSPEND = 'SUSPEND',
  BAN = 'BAN',
}
registerEnumType(ReportStatusEnum, { name: 'ReportStatus' });
registerEnumType(ReportOutcomeEnum, {
  name: 'ReportOutcome',
  description: 'What was done about a report; its reporter sees this.',
});
registerEnumType(ReportActionEnum, {
  name: 'ReportAction',
  description:
    'DISMISS the reports; DELETE the reported messages; SUSPEND or BAN the reported user (tenant owners and admins).',
});

@ObjectType('Report')
export class ReportModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) reporterId!: string;
  @ViewerDependent()
  @Field(() => UserModel, { nullable: true })
  reporter!: unknown;
  @Field(() => ID) targetUserId!: string;
  @Field(() => ID, { nullable: true }) messageId!: string | null;
  @ViewerDependent()
  @Field(() => MessageModel, {
    nullable: true,
    description:
      'The reported message (a report shares it with the moderators who see the report).',
  })
  message!: unknown;
  @Field(() => ID, { nullable: true }) conversationId!: string | null;
  @Field() reason!: string;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => ReportStatusEnum) status!: ReportStatusEnum;
  @Field(() => ReportOutcomeEnum, { nullable: true }) outcome!: ReportOutcomeEnum | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('ReportGroup', { description: 'The open reports about one user.' })
export class ReportGroupModel {
  @Field(() => ID) targetUserId!: string;
  @ViewerDependent()
  @Field(() => UserModel, { nullable: true })
  target!: unknown;
  @Field(() => [ReportModel]) reports!: unknown[];
}

@InputType('ReportInput')
export class ReportInput {
  @Field(() => ID, { nullable: true, description: 'The message reported (or give userId).' })
  messageId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The user reported (or give messageId).' })
  userId?: string | null;
  @Field({ description: 'One of reportReasons.' }) reason!: string;
  @Field(() => String, { nullable: true }) note?: string | null;
}

@InputType('ActOnReportsInput')
export class ActOnReportsInput {
  @Field(() => ID, { description: 'The reported user whose open reports are acted on.' })
  userId!: string;
  @Field(() => ReportActionEnum) action!: ReportActionEnum;
  @Field(() => Date, { nullable: true, description: 'End of the suspension (SUSPEND).' })
  until?: Date | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'BAN: also remove all their messages.' })
  removeMessages?: boolean | null;
}
