import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { SameForEveryViewer, ViewerDependent } from './viewer-dependent.decorator';
import { PageInfoModel } from './page-info.model';
import { UserModel } from './user.model';
import { CallSummaryModel } from './call.model';

@ObjectType('ReactionSummary')
export class ReactionSummaryModel {
  @Field() emoji!: string;
  @Field(() => Int) count!: number;
  @ViewerDependent()
  @Field()
  reactedByMe!: boolean;
}

@ObjectType('ThreadSummary', {
  description: 'The replies under a thread root, as its root shows them.',
})
export class ThreadSummaryModel {
  @Field(() => ID) rootId!: string;
  @Field(() => Int, { description: 'Live replies (deleted ones are not counted).' })
  replyCount!: number;
  @Field(() => Date, { nullable: true }) lastReplyAt!: Date | null;
  @SameForEveryViewer(
    'the actor only scopes the load to the tenant: every viewer sees the same participants',
  )
  @Field(() => [UserModel], { description: 'Who replied, by first reply; at most 5.' })
  participants!: unknown;
  @ViewerDependent()
  @Field({ description: 'Whether I follow the thread.' })
  following!: boolean;
  @ViewerDependent()
  @Field(() => Int, { description: 'Replies by others I have not read (0 unless I follow it).' })
  unreadCount!: number;
}

/** Parent objects are domain messages; derived fields are resolved by MessageResolver. */
@ObjectType('Message')
export class MessageModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) conversationId!: string;
  @Field(() => Int, {
    description: 'Position in the conversation log; strictly increasing, holes possible.',
  })
  seq!: number;
  @ViewerDependent()
  @Field(() => String, { nullable: true, description: 'Only for the sender.' })
  clientMessageId!: string | null;
  @SameForEveryViewer(
    'the actor only scopes the load to the tenant: every viewer of the message sees the same sender',
  )
  @Field(() => UserModel)
  sender!: unknown;
  @Field(() => String, { nullable: true, description: 'Null once deleted.' }) body!: string | null;
  @SameForEveryViewer(
    'the actor only scopes the load to the tenant; a reply is shown only within its own conversation',
  )
  @Field(() => MessageModel, { nullable: true })
  replyTo!: unknown;
  @ViewerDependent()
  @Field(() => [ReactionSummaryModel])
  reactions!: ReactionSummaryModel[];
  @SameForEveryViewer(
    'the actor only scopes the load to the tenant: every viewer sees the same mentioned members',
  )
  @Field(() => [UserModel], {
    description:
      'Members the body mentions with `<@userId>` tokens (server-resolved; other tokens are text). Empty once deleted.',
  })
  mentions!: unknown;
  @Field({ description: 'Whether the body mentions everyone (@all).' }) mentionsAll!: boolean;
  @ViewerDependent()
  @Field({ description: 'Whether the message mentions me, by name or with @all (never my own).' })
  mentionsMe!: boolean;
  @Field(() => CallSummaryModel, {
    nullable: true,
    description: 'Set when this message records a call (missed, declined, or its duration).',
  })
  call!: CallSummaryModel | null;
  @Field(() => Date, { nullable: true }) editedAt!: Date | null;
  @Field(() => Date, { nullable: true }) deletedAt!: Date | null;
  @Field(() => Date, {
    nullable: true,
    description:
      'When this disappearing message goes away (for everyone, with its files); null for a message that stays.',
  })
  expiresAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @SameForEveryViewer(
    'counts the members who read the message: the actor only scopes the count to the tenant',
  )
  @Field(() => Int, { description: 'Members other than the sender who have read it.' })
  readBy!: number;
  @SameForEveryViewer(
    'counts the members who received the message: the actor only scopes the count to the tenant',
  )
  @Field(() => Int, {
    description:
      'Members other than the sender who received it (a client of theirs called markDelivered up to its seq, or they read it). With readBy: sent, delivered and read ticks.',
  })
  deliveredTo!: number;
  @Field(() => ID, {
    nullable: true,
    description: 'The root of the thread this message replies in; null for timeline messages.',
  })
  threadRootId!: string | null;
  @Field({
    description: 'Whether this is a forwarded copy (its origin is not disclosed).',
  })
  forwarded!: boolean;
  @SameForEveryViewer(
    'the summary is the same for every reader; its viewer-dependent fields declare themselves',
  )
  @Field(() => ThreadSummaryModel, {
    nullable: true,
    description:
      'The thread under this message (zero replies when none yet); null on thread replies (threads are one level deep).',
  })
  thread!: unknown;
  @ViewerDependent()
  @Field({ description: 'Whether I starred this message.' })
  starredByMe!: boolean;
}

@ObjectType('TextRange', { description: 'A range of a text: UTF-16 offsets, end exclusive.' })
export class TextRangeModel {
  @Field(() => Int) start!: number;
  @Field(() => Int) end!: number;
}

@ObjectType('SearchSnippet', {
  description:
    'The part of a found message to show, as written (accents, case, width), with what matched marked.',
})
export class SearchSnippetModel {
  @Field({ description: 'A window of the body around the first match; … where it was cut.' })
  text!: string;
  @Field(() => [TextRangeModel], { description: 'Matched ranges of `text`, in order.' })
  highlights!: TextRangeModel[];
}

@ObjectType('MessageEdge')
export class MessageEdgeModel {
  @Field() cursor!: string;
  @Field(() => MessageModel) node!: unknown;
  @Field(() => SearchSnippetModel, {
    nullable: true,
    description:
      'Search results only (searchMessages): the matching part, highlighted. Null elsewhere.',
  })
  snippet?: SearchSnippetModel | null;
}

@ObjectType('MessageConnection')
export class MessageConnectionModel {
  @Field(() => [MessageEdgeModel]) edges!: MessageEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
}
