import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  Message,
  MessageQueries,
  Report,
  ReportAction,
  ReportGroup,
  Reports,
  User,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { MessageModel } from '../models/message.model';
import {
  ActOnReportsInput,
  ReportGroupModel,
  ReportInput,
  ReportModel,
} from '../models/report.model';
import { UserModel } from '../models/user.model';

/** Reporting messages and users, and the moderators' queue; the rules are in Reports. */
@Resolver(() => ReportModel)
@UseGuards(AuthGuard)
export class ReportResolver {
  constructor(
    private readonly reports: Reports,
    private readonly messages: MessageQueries,
  ) {}

  @Query(() => [String], { description: 'The reasons a report may give (REPORT_REASONS).' })
  reportReasons(@CurrentActor() _actor: Authenticated): readonly string[] {
    return this.reports.reasons();
  }

  @Mutation(() => ReportModel, { description: 'Reports a message you can see, or a user.' })
  report(
    @CurrentActor() actor: Authenticated,
    @Args('input', { type: () => ReportInput }) input: ReportInput,
  ): Promise<Report> {
    return this.reports.report(actor, input);
  }

  @Query(() => [ReportModel], { description: 'Your reports and what became of them.' })
  myReports(@CurrentActor() actor: Authenticated): Promise<Report[]> {
    return this.reports.mine(actor);
  }

  @Query(() => [ReportGroupModel], {
    description:
      'Open reports you may act on (all of them for tenant owners and admins; those in conversations you moderate otherwise), grouped by reported user.',
  })
  reportQueue(@CurrentActor() actor: Authenticated): Promise<ReportGroup[]> {
    return this.reports.queue(actor);
  }

  @Mutation(() => [ReportModel], {
    description: 'Acts on the open reports about one user; returns the reports it resolved.',
  })
  actOnReports(
    @CurrentActor() actor: Authenticated,
    @Args('input', { type: () => ActOnReportsInput }) input: ActOnReportsInput,
  ): Promise<Report[]> {
    return this.reports.act(actor, { ...input, action: input.action as ReportAction });
  }

  @ResolveField(() => UserModel, { nullable: true })
  reporter(@Parent() r: Report, @GqlCtx() ctx: GqlContext): Promise<User | null> | null {
    return ctx.actor ? ctx.loaders.users(ctx.actor).load(r.reporterId) : null;
  }

  @ResolveField(() => MessageModel, { nullable: true })
  async message(
    @Parent() r: Report,
    @CurrentActor() actor: Authenticated,
  ): Promise<Message | null> {
    // A report shares the reported message with the moderators who may see the report.
    if (!r.messageId) return null;
    const [message] = await this.messages.byIds(actor, [r.messageId]);
    return message ?? null;
  }
}

@Resolver(() => ReportGroupModel)
@UseGuards(AuthGuard)
export class ReportGroupResolver {
  @ResolveField(() => UserModel, { nullable: true })
  target(@Parent() g: ReportGroup, @GqlCtx() ctx: GqlContext): Promise<User | null> | null {
    return ctx.actor ? ctx.loaders.users(ctx.actor).load(g.targetUserId) : null;
  }
}
