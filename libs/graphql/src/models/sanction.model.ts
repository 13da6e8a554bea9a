import { ViewerDependent } from './viewer-dependent.decorator';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { SanctionKindEnum } from './enums';
import { UserModel } from './user.model';

@ObjectType('UserSanction', { description: "A user's current suspension or ban." })
export class UserSanctionModel {
  @Field(() => ID) userId!: string;
  @ViewerDependent()
  @Field(() => UserModel, { nullable: true, description: 'Null for operators.' })
  user!: unknown;
  @Field(() => SanctionKindEnum) kind!: SanctionKindEnum;
  @Field(() => Date, { nullable: true, description: 'When a suspension ends; null for a ban.' })
  until!: Date | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => ID, { nullable: true, description: 'Who imposed it; null when an operator did.' })
  by!: string | null;
  @Field(() => Date) at!: Date;
}

@ObjectType('BanPayload')
export class BanPayload {
  @Field(() => UserSanctionModel) sanction!: UserSanctionModel;
  @Field(() => Int, { description: 'How many of their messages were removed.' })
  removedMessages!: number;
}
