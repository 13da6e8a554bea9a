import {
  Args,
  Context,
  Field,
  ID,
  Int,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import type { Authenticated } from '@chatter/core';
import { CurrentActor, GqlCtx } from '../../context/auth.guard';
import type { GqlContext } from '../../context/gql-context';
import { ViewerDependent } from '../../models/viewer-dependent.decorator';

/** A fixture for the viewer-declaration check: fields that read the request, declared and not. */
@ObjectType('FixtureProfile')
export class FixtureProfileModel {
  @Field(() => ID) id!: string;
  /** Resolved from the actor, and not declared: the check must report it. */
  @Field() nickname!: string;
  @ViewerDependent()
  @Field()
  mood!: string;
}

@Resolver(() => FixtureProfileModel)
export class FixtureProfileResolver {
  @Query(() => FixtureProfileModel)
  fixtureProfile(): FixtureProfileModel {
    return { id: 'p', nickname: 'n', mood: 'm' };
  }

  @ResolveField(() => String)
  nickname(@Parent() p: FixtureProfileModel, @CurrentActor() actor: Authenticated): string {
    return `${p.nickname} for ${actor.userId}`;
  }

  @ResolveField(() => String)
  mood(@Parent() p: FixtureProfileModel, @GqlCtx() ctx: GqlContext): string {
    return `${p.mood} for ${ctx.actor?.userId}`;
  }

  /** Only the resolver declares this field, and it reads the raw context without a declaration. */
  @ResolveField(() => String)
  greeting(@Parent() p: FixtureProfileModel, @Context() ctx: GqlContext): string {
    return `hello ${ctx.actor?.userId} from ${p.id}`;
  }

  @ViewerDependent()
  @ResolveField(() => String)
  secret(@Parent() p: FixtureProfileModel, @Context() ctx: GqlContext): string {
    return `${p.id}:${ctx.clientIp}`;
  }

  /** Reads only its parent and arguments: the same for every viewer by construction. */
  @ResolveField(() => String)
  shout(
    @Parent() p: FixtureProfileModel,
    @Args('times', { type: () => Int }) times: number,
  ): string {
    return p.nickname.repeat(times);
  }
}
