import { UseGuards } from '@nestjs/common';
import {
  Args,
  Float,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import DataLoader from 'dataloader';
import {
  Attachment,
  AttachmentAccess,
  Authenticated,
  isProcessing,
  Message,
  UploadLimits,
  Uploads,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { CreateUploadInput } from '../inputs/inputs';
import {
  AttachmentModel,
  CreateUploadPayloadModel,
  UploadLimitsModel,
} from '../models/attachment.model';
import { MessageModel } from '../models/message.model';
import { SameForEveryViewer, ViewerDependent } from '../models/viewer-dependent.decorator';

/** One batched attachments-by-message read per operation. */
const byMessage = new WeakMap<GqlContext, DataLoader<string, Attachment[]>>();

@Resolver(() => AttachmentModel)
@UseGuards(AuthGuard)
export class AttachmentResolver {
  constructor(
    private readonly uploads: Uploads,
    private readonly access: AttachmentAccess,
  ) {}

  @Query(() => UploadLimitsModel, {
    description: 'Upload limits and your usage: largest file, quotas, attachments per message.',
  })
  uploadLimits(@CurrentActor() actor: Authenticated): Promise<UploadLimits> {
    return this.uploads.limits(actor);
  }

  @Mutation(() => CreateUploadPayloadModel, {
    description:
      'Starts an upload to a conversation you are a member of: returns a PENDING attachment and where to send the bytes. Then call finalizeUpload.',
  })
  async createUpload(
    @CurrentActor() actor: Authenticated,
    @Args('input') input: CreateUploadInput,
  ): Promise<CreateUploadPayloadModel> {
    const { attachment, target } = await this.uploads.create(actor, input);
    return {
      attachment,
      upload: {
        method: target.method,
        url: target.url,
        fields: Object.entries(target.fields).map(([name, value]) => ({ name, value })),
        expiresAt: target.expiresAt,
      },
    };
  }

  @Mutation(() => AttachmentModel, {
    description:
      'Checks the uploaded bytes (size, real type, policy) and makes the attachment READY to send; a refused file is deleted.',
  })
  finalizeUpload(
    @CurrentActor() actor: Authenticated,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Attachment> {
    return this.uploads.finalize(actor, id);
  }

  @ResolveField(() => Int)
  size(@Parent() a: Attachment): number {
    return a.byteSize ?? a.declaredSize;
  }

  @ResolveField(() => String)
  type(@Parent() a: Attachment): string {
    return a.contentType ?? a.declaredType;
  }

  @ResolveField(() => Float, { nullable: true })
  duration(@Parent() a: Attachment): number | null {
    return a.durationMs === null ? null : a.durationMs / 1000;
  }

  @ResolveField(() => Boolean, {
    description:
      'True while a photo is being processed (metadata stripped, thumbnail made): no links yet; an AttachmentUpdated event follows.',
  })
  processing(@Parent() a: Attachment): boolean {
    return isProcessing(a);
  }

  @ViewerDependent()
  @ResolveField(() => String, { nullable: true })
  url(@Parent() a: Attachment, @CurrentActor() actor: Authenticated): string | null {
    return a.status === 'READY' && !isProcessing(a) ? this.access.links(actor, a).url : null;
  }

  @ViewerDependent()
  @ResolveField(() => String, { nullable: true })
  thumbnailUrl(@Parent() a: Attachment, @CurrentActor() actor: Authenticated): string | null {
    return a.status === 'READY' ? this.access.links(actor, a).thumbnailUrl : null;
  }
}

@Resolver(() => MessageModel)
@UseGuards(AuthGuard)
export class MessageAttachmentsResolver {
  constructor(private readonly access: AttachmentAccess) {}

  @SameForEveryViewer(
    'the actor only scopes the load to the tenant: every viewer of the message sees the same files (their links are per viewer)',
  )
  @ResolveField(() => [AttachmentModel], {
    description: 'Files sent with the message, in order; empty once the message is deleted.',
  })
  async attachments(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<Attachment[]> {
    if (m.deletedAt) return [];
    let loader = byMessage.get(ctx);
    if (!loader) {
      loader = new DataLoader((ids) => this.access.ofMessages(actor, ids));
      byMessage.set(ctx, loader);
    }
    return loader.load(m.id);
  }
}
