import { Field, ObjectType } from '@nestjs/graphql';
import { AttachmentModel } from './attachment.model';
import { SameForEveryViewer } from './viewer-dependent.decorator';

/** Parent objects are domain link previews; `image` is resolved by LinkPreviewResolver. */
@ObjectType('LinkPreview', {
  description:
    'What the first http(s) link of a message shows, fetched by the server after the send (a MESSAGE_UPDATED event brings it). The image is served like an attachment, never from the third-party site.',
})
export class LinkPreviewModel {
  @Field({ description: 'The page address (after redirects).' }) url!: string;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) siteName!: string | null;
  @SameForEveryViewer(
    'the actor only scopes the load to the tenant: every viewer sees the same image (its links are per viewer)',
  )
  @Field(() => AttachmentModel, {
    nullable: true,
    description: 'The page image, re-served through the attachment path.',
  })
  image!: unknown;
}
