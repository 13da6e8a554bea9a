import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { UserModel } from './user.model';

@ObjectType('PollOption')
export class PollOptionModel {
  @Field(() => ID, { description: 'Stable within its poll.' }) id!: string;
  @Field() text!: string;
  @Field(() => Int) voteCount!: number;
  @Field(() => [UserModel], {
    description:
      'Who chose it, earliest first, at most 20 (voteCount counts them all). Always empty in an anonymous poll.',
  })
  voters!: unknown[];
}

@ObjectType('Poll')
export class PollModel {
  @Field() question!: string;
  @Field(() => [PollOptionModel]) options!: PollOptionModel[];
  @Field() multipleChoice!: boolean;
  @Field({ description: 'Voters are never shown, to anyone (the creator included).' })
  anonymous!: boolean;
  @Field(() => Date, { nullable: true, description: 'Set once closed: no more votes.' })
  closedAt!: Date | null;
  @Field(() => Int, { description: 'Members with at least one vote.' }) totalVoters!: number;
  @Field(() => [ID], { description: 'Ids of the options I chose.' }) myVotes!: string[];
  @Field(() => ID) creatorId!: string;
}

@InputType('SendPollInput')
export class SendPollInput {
  @Field(() => ID) conversationId!: string;
  @Field({
    description:
      'Client-generated id (1–64 of A–Z a–z 0–9 _ . : -); a retry with it returns the first poll.',
  })
  clientMessageId!: string;
  @Field({ description: '1–300 characters, one line; also the body of the poll message.' })
  question!: string;
  @Field(() => [String], { description: '2–12 different options of 1–100 characters.' })
  options!: string[];
  @Field(() => Boolean, { nullable: true, description: 'Several options per voter (default no).' })
  multipleChoice?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Hide who voted (default no).' })
  anonymous?: boolean | null;
}
