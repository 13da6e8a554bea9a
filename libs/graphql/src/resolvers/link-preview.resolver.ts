import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import {
  Attachment,
  Authenticated,
  LinkPreview,
  LinkPreviews,
  Message,
  shownPreviewImage,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { AttachmentModel } from '../models/attachment.model';
import { LinkPreviewModel } from '../models/link-preview.model';
import { MessageModel } from '../models/message.model';
import { SameForEveryViewer } from '../models/viewer-dependent.decorator';

/** One batched previews-by-message read, and one images read, per operation (and event). */
const BY_MESSAGE = Symbol('link previews by message');
const IMAGES_BY_ID = Symbol('link preview images by id');

@Resolver(() => MessageModel)
@UseGuards(AuthGuard)
export class MessageLinkPreviewResolver {
  constructor(private readonly linkPreviews: LinkPreviews) {}

  @SameForEveryViewer(
    'the actor only scopes the load to the tenant: every viewer of the message sees the same preview (its image links are per viewer)',
  )
  @ResolveField(() => LinkPreviewModel, {
    nullable: true,
    description:
      "The preview of the message's first http(s) link, once the server fetched it; null when there is none, it was removed, or the message is deleted.",
  })
  async linkPreview(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<LinkPreview | null> {
    if (m.deletedAt) return null;
    const loader = ctx.loaders.scoped(
      BY_MESSAGE,
      () =>
        new DataLoader<string, LinkPreview | null>((ids) =>
          this.linkPreviews.ofMessages(actor, ids),
        ),
    );
    return loader.load(m.id);
  }

  @Mutation(() => MessageModel, {
    description:
      'Removes the link preview of your message, for everyone (a MESSAGE_UPDATED event); it is not fetched again.',
  })
  removeLinkPreview(
    @CurrentActor() actor: Authenticated,
    @Args('messageId', { type: () => ID }) messageId: string,
  ): Promise<Message> {
    return this.linkPreviews.remove(actor, messageId);
  }
}

@Resolver(() => LinkPreviewModel)
@UseGuards(AuthGuard)
export class LinkPreviewResolver {
  constructor(private readonly linkPreviews: LinkPreviews) {}

  @ResolveField(() => AttachmentModel, { nullable: true })
  async image(
    @Parent() p: LinkPreview,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<Attachment | null> {
    if (!p.imageAttachmentId) return null;
    const loader = ctx.loaders.scoped(
      IMAGES_BY_ID,
      () =>
        new DataLoader<string, Attachment | null>((ids) => this.linkPreviews.images(actor, ids)),
    );
    return shownPreviewImage(p, await loader.load(p.imageAttachmentId));
  }
}
