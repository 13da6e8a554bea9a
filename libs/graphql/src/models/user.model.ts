import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ViewerDependent } from './viewer-dependent.decorator';
import { PresencePrivacyEnum, PresenceStatusEnum } from './enums';
import { PageInfoModel } from './page-info.model';

@ObjectType('Presence')
export class PresenceModel {
  @Field(() => PresenceStatusEnum) status!: PresenceStatusEnum;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
}

/** Parent objects are domain users; viewer-dependent fields are resolved by UserResolver. */
@ObjectType('User')
export class UserModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'A bot account (created by an operator; shown with a bot badge).' })
  isBot!: boolean;
  @ViewerDependent()
  @Field(() => String, {
    nullable: true,
    description: 'Only for yourself and users who are your contacts.',
  })
  phone!: string | null;
  @Field(() => String, { nullable: true }) avatarUrl!: string | null;
  @Field(() => String, { nullable: true }) statusText!: string | null;
  @Field(() => String, { nullable: true }) statusEmoji!: string | null;
  @ViewerDependent()
  @Field(() => PresenceModel)
  presence!: PresenceModel;
  @ViewerDependent()
  @Field(() => Date, {
    nullable: true,
    description: 'Hidden when presence privacy does not allow you to see it.',
  })
  lastSeenAt!: Date | null;
  @ViewerDependent()
  @Field(() => PresencePrivacyEnum, { nullable: true, description: 'Only on yourself.' })
  presencePrivacy!: PresencePrivacyEnum | null;
  @ViewerDependent()
  @Field({ description: 'Whether this user is in your contacts.' })
  isContact!: boolean;
  @ViewerDependent()
  @Field({ description: 'Whether you blocked this user.' })
  isBlocked!: boolean;
}

@ObjectType('Contact')
export class ContactModel {
  @Field(() => UserModel) user!: unknown;
  @Field(() => Date) addedAt!: Date;
}

@ObjectType('ContactEdge')
export class ContactEdgeModel {
  @Field() cursor!: string;
  @Field(() => ContactModel) node!: ContactModel;
}

@ObjectType('ContactConnection')
export class ContactConnectionModel {
  @Field(() => [ContactEdgeModel]) edges!: ContactEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
}

@ObjectType('RequestLoginCodePayload')
export class RequestLoginCodePayload {
  @Field() sent!: boolean;
  @Field(() => Int) expiresInSeconds!: number;
  @Field(() => Int, { description: 'Wait at least this long before asking for another code.' })
  resendAfterSeconds!: number;
}

@ObjectType('SendInvitePayload')
export class SendInvitePayload {
  @Field() sent!: boolean;
  @Field({ description: 'The number the invitation went to, in E.164.' }) to!: string;
}

@ObjectType('AuthPayload')
export class AuthPayloadModel {
  @Field() accessToken!: string;
  @Field() refreshToken!: string;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => UserModel) user!: unknown;
}

@ObjectType('Tenant')
export class TenantModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({
    description:
      'Whether new users may sign up with a phone number (off: app-issued tokens only; existing phone users still sign in).',
  })
  phoneSignUp!: boolean;
  @Field(() => Int, {
    nullable: true,
    description: 'Attachments are deleted this many days after upload; null keeps them.',
  })
  attachmentRetentionDays!: number | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('TenantSecretPayload')
export class TenantSecretPayload {
  @Field(() => TenantModel) tenant!: TenantModel;
  @Field({
    description: 'HS256 secret with which the tenant backend signs app-issued user tokens.',
  })
  signingSecret!: string;
}
