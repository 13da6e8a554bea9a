import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class Message {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  roomId!: string;

  @Field(() => ID)
  senderId!: string;

  @Field()
  body!: string;

  @Field()
  createdAt!: Date;
}
