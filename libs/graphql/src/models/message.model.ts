import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfoModel } from './page-info.model';
import { UserModel } from './user.model';

@ObjectType('ReactionSummary')
export class ReactionSummaryModel {
  @Field() emoji!: string;
  @Field(() => Int) count!: number;
  @Field() reactedByMe!: boolean;
}

/** Parent objects are domain messages; derived fields are resolved by MessageResolver. */
@ObjectType('Message')
export class MessageModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) conversationId!: string;
  @Field(() => Int, { description: 'Position in the conversation log; strictly increasing, holes possible.' })
  seq!: number;
  @Field(() => String, { nullable: true, description: 'Only for the sender.' }) clientMessageId!: string | null;
  @Field(() => UserModel) sender!: unknown;
  @Field(() => String, { nullable: true, description: 'Null once deleted.' }) body!: string | null;
  @Field(() => MessageModel, { nullable: true }) replyTo!: unknown;
  @Field(() => [ReactionSummaryModel]) reactions!: ReactionSummaryModel[];
  @Field(() => Date, { nullable: true }) editedAt!: Date | null;
  @Field(() => Date, { nullable: true }) deletedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Int, { description: 'Members other than the sender who have read it.' }) readBy!: number;
}

@ObjectType('MessageEdge')
export class MessageEdgeModel {
  @Field() cursor!: string;
  @Field(() => MessageModel) node!: unknown;
}

@ObjectType('MessageConnection')
export class MessageConnectionModel {
  @Field(() => [MessageEdgeModel]) edges!: MessageEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
}
