import { ViewerDependent } from './viewer-dependent.decorator';
import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfoModel } from './page-info.model';
import { UserModel } from './user.model';

export enum AuditActionEnum {
  TENANT_ROLE_CHANGED = 'TENANT_ROLE_CHANGED',
  USER_SUSPENDED = 'USER_SUSPENDED',
  USER_BANNED = 'USER_BANNED',
  SANCTION_LIFTED = 'SANCTION_LIFTED',
  MESSAGES_REMOVED = 'MESSAGES_REMOVED',
  MESSAGE_DELETED = 'MESSAGE_DELETED',
  MEMBER_ROLE_CHANGED = 'MEMBER_ROLE_CHANGED',
  MEMBER_REMOVED = 'MEMBER_REMOVED',
  BOT_CREATED = 'BOT_CREATED',
  BOT_REVOKED = 'BOT_REVOKED',
  WEBHOOK_CREATED = 'WEBHOOK_CREATED',
  WEBHOOK_ENABLED = 'WEBHOOK_ENABLED',
  INCOMING_WEBHOOK_CREATED = 'INCOMING_WEBHOOK_CREATED',
  INCOMING_WEBHOOK_REVOKED = 'INCOMING_WEBHOOK_REVOKED',
  SAFETY_SETTINGS_CHANGED = 'SAFETY_SETTINGS_CHANGED',
  MESSAGES_EXPIRED = 'MESSAGES_EXPIRED',
  OIDC_PROVIDER_SAVED = 'OIDC_PROVIDER_SAVED',
  OIDC_PROVIDER_REMOVED = 'OIDC_PROVIDER_REMOVED',
}
registerEnumType(AuditActionEnum, {
  name: 'AuditAction',
  description: 'What an administrative or moderation action did.',
});

@ObjectType('AuditDetail', {
  description: 'One fact about an action, e.g. role: ADMIN, count: 12.',
})
export class AuditDetailModel {
  @Field() key!: string;
  @Field(() => String, { nullable: true }) value!: string | null;
}

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @Field(() => ID) id!: string;
  @Field(() => AuditActionEnum) action!: AuditActionEnum;
  @Field(() => ID, { nullable: true, description: 'Who acted; null when an operator did.' })
  actorId!: string | null;
  @ViewerDependent()
  @Field(() => UserModel, { nullable: true })
  actor!: unknown;
  @Field(() => ID, { nullable: true }) targetUserId!: string | null;
  @ViewerDependent()
  @Field(() => UserModel, { nullable: true })
  target!: unknown;
  @Field(() => ID, { nullable: true }) conversationId!: string | null;
  @Field(() => ID, { nullable: true }) messageId!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => [AuditDetailModel]) details!: AuditDetailModel[];
  @Field(() => Date) at!: Date;
}

@ObjectType('AuditEntryEdge')
export class AuditEntryEdgeModel {
  @Field() cursor!: string;
  @Field(() => AuditEntryModel) node!: unknown;
}

@ObjectType('AuditEntryConnection')
export class AuditEntryConnectionModel {
  @Field(() => [AuditEntryEdgeModel]) edges!: AuditEntryEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
}

@InputType('AuditLogFilter')
export class AuditLogFilterInput {
  @Field(() => AuditActionEnum, { nullable: true }) action?: AuditActionEnum | null;
  @Field(() => ID, { nullable: true }) actorId?: string | null;
  @Field(() => ID, { nullable: true }) targetUserId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Entries at or after this time.' })
  since?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Entries before this time.' })
  before?: Date | null;
}
