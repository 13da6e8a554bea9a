import { Field, ID, InputType } from '@nestjs/graphql';

@InputType()
export class SendMessageInput {
  @Field(() => ID)
  roomId!: string;

  @Field()
  body!: string;
}
