import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AttachmentKindEnum } from './attachment.model';

export enum WordFilterModeEnum {
  OFF = 'OFF',
  BLOCK = 'BLOCK',
  MASK = 'MASK',
}
registerEnumType(WordFilterModeEnum, {
  name: 'WordFilterMode',
  description:
    'What happens to a message body or conversation title that contains a filtered word: OFF (nothing), BLOCK (refused with CONTENT_BLOCKED), MASK (each character of the match becomes *).',
});

export enum ChannelCreationPolicyEnum {
  EVERYONE = 'EVERYONE',
  ADMINS = 'ADMINS',
}
registerEnumType(ChannelCreationPolicyEnum, {
  name: 'ChannelCreationPolicy',
  description: 'Who may create public channels: every member, or only tenant owners and admins.',
});

@ObjectType('TenantSafetySettings', {
  description:
    "A tenant's word filter, message retention, channel creation policy and the kinds of file members may share.",
})
export class TenantSafetySettingsModel {
  @Field(() => ID) tenantId!: string;
  @Field(() => WordFilterModeEnum) wordFilterMode!: WordFilterModeEnum;
  @Field(() => [String], {
    description:
      'Words and phrases, matched case- and accent-insensitively on word boundaries (anywhere for scripts written without spaces).',
  })
  filterWords!: string[];
  @Field(() => Int, {
    nullable: true,
    description:
      'Messages older than this many days are deleted with their attachments; null keeps them.',
  })
  messageRetentionDays!: number | null;
  @Field(() => ChannelCreationPolicyEnum) channelCreation!: ChannelCreationPolicyEnum;
  @Field(() => [AttachmentKindEnum], {
    description:
      'Kinds of attachment members may share (all by default; empty: none). Others are refused at createUpload and finalizeUpload with FILE_TYPE_REFUSED, reason TENANT_POLICY.',
  })
  allowedAttachmentKinds!: AttachmentKindEnum[];
  @Field(() => ID, {
    nullable: true,
    description: 'Who changed them last; null for an operator or never.',
  })
  updatedBy!: string | null;
  @Field(() => Date, { nullable: true }) updatedAt!: Date | null;
}

@InputType('TenantSafetySettingsInput', { description: 'Fields left out keep their value.' })
export class TenantSafetySettingsInput {
  @Field(() => WordFilterModeEnum, { nullable: true }) wordFilterMode?: WordFilterModeEnum | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Replaces the whole list: at most 500 words of at most 50 characters each.',
  })
  filterWords?: string[] | null;
  @Field(() => Int, { nullable: true, description: '1–36500 days; 0 turns retention off.' })
  messageRetentionDays?: number | null;
  @Field(() => ChannelCreationPolicyEnum, { nullable: true })
  channelCreation?: ChannelCreationPolicyEnum | null;
  @Field(() => [AttachmentKindEnum], {
    nullable: true,
    description: 'Replaces the list; empty turns file sharing off. Sent files stay.',
  })
  allowedAttachmentKinds?: AttachmentKindEnum[] | null;
}
