import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('NotificationEmail', {
  description:
    'My notification e-mail: the address digests go to once verified, and whether digests are on.',
})
export class NotificationEmailModel {
  @Field({ description: 'Whether this server can send e-mail (SMTP configured).' })
  available!: boolean;
  @Field(() => String, { nullable: true, description: 'The address; null when none is set.' })
  address!: string | null;
  @Field({ description: 'Whether the address was verified with the mailed code.' })
  verified!: boolean;
  @Field({
    description:
      'Whether digests of unread conversations are e-mailed (only to a verified address).',
  })
  emailDigest!: boolean;
  @Field({ description: 'Whether a verification code was mailed and can still be entered.' })
  codePending!: boolean;
}
