import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum BotScopeEnum {
  READ = 'READ',
  SEND = 'SEND',
}
registerEnumType(BotScopeEnum, {
  name: 'BotScope',
  description: 'READ: queries, history and chatEvents. SEND: post, edit, delete, react, typing.',
});

@ObjectType('Bot')
export class BotModel {
  @Field(() => ID, { description: 'The bot’s user id (add it to conversations like a user).' })
  id!: string;
  @Field(() => ID) tenantId!: string;
  @Field() name!: string;
  @Field(() => [BotScopeEnum]) scopes!: BotScopeEnum[];
  @Field(() => [ID], {
    nullable: true,
    description: 'The conversations its token may address; null: every one it is a member of.',
  })
  conversationIds!: string[] | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType('BotTokenPayload')
export class BotTokenPayload {
  @Field(() => BotModel) bot!: BotModel;
  @Field({ description: 'Shown once: send it as `Authorization: Bearer <token>`.' })
  token!: string;
}
