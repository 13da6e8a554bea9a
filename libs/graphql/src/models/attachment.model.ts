import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ViewerDependent } from './viewer-dependent.decorator';

export enum AttachmentKindEnum {
  IMAGE = 'IMAGE',
  VIDEO = 'VIDEO',
  AUDIO = 'AUDIO',
  FILE = 'FILE',
}
registerEnumType(AttachmentKindEnum, {
  name: 'AttachmentKind',
  description: 'IMAGE, AUDIO and VIDEO are shown inline; anything else is a FILE (downloaded).',
});

export enum AttachmentStatusEnum {
  PENDING = 'PENDING',
  READY = 'READY',
}
registerEnumType(AttachmentStatusEnum, {
  name: 'AttachmentStatus',
  description: 'PENDING until finalizeUpload has checked the bytes; READY to send.',
});

/** Parent objects are domain attachments; links are resolved by AttachmentResolver. */
@ObjectType('Attachment')
export class AttachmentModel {
  @Field(() => ID) id!: string;
  @Field(() => AttachmentKindEnum) kind!: AttachmentKindEnum;
  @Field(() => AttachmentStatusEnum) status!: AttachmentStatusEnum;
  @Field({ description: 'The file name as uploaded.' }) name!: string;
  @Field(() => Int, { description: 'Bytes (the declared size while PENDING).' }) size!: number;
  @Field({ description: 'Media type from the bytes (the declared one while PENDING).' })
  type!: string;
  @Field(() => Int, { nullable: true }) width!: number | null;
  @Field(() => Int, { nullable: true }) height!: number | null;
  @Field(() => Float, { nullable: true, description: 'Seconds, for audio and video when known.' })
  duration!: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'A tiny data: URL preview to show while the thumbnail loads.',
  })
  placeholder!: string | null;
  @ViewerDependent()
  @Field(() => String, {
    nullable: true,
    description:
      'Short-lived download link (a path on the API) for the viewer; null while PENDING. Files outside raster images, audio and video download as attachments.',
  })
  url!: string | null;
  @ViewerDependent()
  @Field(() => String, { nullable: true, description: 'Short-lived thumbnail link (images).' })
  thumbnailUrl!: string | null;
}

@ObjectType('UploadField')
export class UploadFieldModel {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType('UploadTarget')
export class UploadTargetModel {
  @Field({
    description:
      'PUT: send the raw bytes as the body. POST: a multipart form with `fields` in order, then the file as `file`.',
  })
  method!: string;
  @Field({ description: 'Absolute URL, or a path on this API when it starts with /.' })
  url!: string;
  @Field(() => [UploadFieldModel]) fields!: UploadFieldModel[];
  @Field(() => Date) expiresAt!: Date;
}

@ObjectType('CreateUploadPayload')
export class CreateUploadPayloadModel {
  @Field(() => AttachmentModel) attachment!: unknown;
  @Field(() => UploadTargetModel) upload!: UploadTargetModel;
}

@ObjectType('UploadLimits')
export class UploadLimitsModel {
  @Field(() => Int, { description: 'Largest file, in bytes.' }) maxBytes!: number;
  @Field(() => Float, { description: 'Bytes one user may keep; 0 = no quota.' })
  userQuotaBytes!: number;
  @Field(() => Float, { description: 'Bytes the tenant may keep; 0 = no quota.' })
  tenantQuotaBytes!: number;
  @Field(() => Float, { description: 'Bytes your attachments hold now.' }) usedBytes!: number;
  @Field(() => Int) maxAttachmentsPerMessage!: number;
  @Field(() => [AttachmentKindEnum], {
    description:
      'Kinds of file your organisation lets members share (its safety settings); others are refused with FILE_TYPE_REFUSED, reason TENANT_POLICY.',
  })
  allowedKinds!: AttachmentKindEnum[];
}
