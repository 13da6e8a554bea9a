import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  FollowThreads,
  Message,
  ThreadQueries,
  ThreadSummaryRow,
  ThreadViewerState,
  User,
} from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { MessageConnectionModel, MessageModel, ThreadSummaryModel } from '../models/message.model';
import { pageInfo } from '../models/page-info.model';
import { UserModel } from '../models/user.model';

/** What a ThreadSummary resolves from: the stored summary. */
type ThreadParent = ThreadSummaryRow;

const NO_STATE: ThreadViewerState = { following: false, unreadCount: 0, readSeq: 0 };

/** Threads: replies, the followed list, follow and read state, the summary on a root. */
@Resolver(() => MessageModel)
@UseGuards(AuthGuard)
export class ThreadResolver {
  constructor(
    private readonly threads: ThreadQueries,
    private readonly follows: FollowThreads,
  ) {}

  @Query(() => MessageConnectionModel, {
    description:
      'Replies in the thread under a message you can read, by seq: first/after forward from the first reply (the default), last/before back from the latest. At most 100 a page.',
  })
  async threadReplies(
    @CurrentActor() actor: Authenticated,
    @Args('rootId', { type: () => ID }) rootId: string,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => Int, nullable: true }) after: number | null,
    @Args('last', { type: () => Int, nullable: true }) last: number | null,
    @Args('before', { type: () => Int, nullable: true }) before: number | null,
  ): Promise<MessageConnectionModel> {
    const page = await this.threads.replies(actor, rootId, { first, after, last, before });
    const cursors = page.replies.map((m) => String(m.seq));
    return {
      edges: page.replies.map((m, i) => ({ cursor: cursors[i]!, node: m })),
      pageInfo: pageInfo(cursors, page.hasNextPage, page.hasPreviousPage),
    };
  }

  @Query(() => MessageConnectionModel, {
    description:
      'Roots of the threads I follow (that I can still read), most recently followed first; each root’s `thread` has my unread count. At most 50 a page.',
  })
  async followedThreads(
    @CurrentActor() actor: Authenticated,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<MessageConnectionModel> {
    const page = await this.threads.followed(actor, first, after);
    return {
      edges: page.roots.map((m, i) => ({ cursor: page.cursors[i]!, node: m })),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, !!after),
    };
  }

  @Mutation(() => MessageModel, { description: 'Follows the thread under the message.' })
  followThread(
    @CurrentActor() actor: Authenticated,
    @Args('rootId', { type: () => ID }) rootId: string,
  ): Promise<Message> {
    return this.follows.follow(actor, rootId, true);
  }

  @Mutation(() => MessageModel, { description: 'Stops following the thread under the message.' })
  unfollowThread(
    @CurrentActor() actor: Authenticated,
    @Args('rootId', { type: () => ID }) rootId: string,
  ): Promise<Message> {
    return this.follows.follow(actor, rootId, false);
  }

  @Mutation(() => MessageModel, {
    description:
      'Marks the thread read up to `seq` (default: its latest reply); never moves back. Past the end: VALIDATION_FAILED (SEQ_PAST_END).',
  })
  markThreadRead(
    @CurrentActor() actor: Authenticated,
    @Args('rootId', { type: () => ID }) rootId: string,
    @Args('seq', { type: () => Int, nullable: true }) seq: number | null,
  ): Promise<Message> {
    return this.follows.markRead(actor, rootId, seq);
  }

  @ResolveField(() => ThreadSummaryModel, { nullable: true })
  async thread(
    @Parent() m: Message,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<ThreadParent | null> {
    if (m.threadRootId) return null;
    return ctx.loaders
      .byMessage<ThreadSummaryRow | null>(
        'threadSummaries',
        (ids) => this.threads.summaries(actor, ids),
        null,
      )
      .load(m.id);
  }

  @ResolveField(() => ID, { nullable: true })
  threadRootId(@Parent() m: Message): string | null {
    return m.threadRootId ?? null;
  }

  @ResolveField(() => Boolean)
  forwarded(@Parent() m: Message): boolean {
    return m.forwarded === true;
  }
}

@Resolver(() => ThreadSummaryModel)
@UseGuards(AuthGuard)
export class ThreadSummaryResolver {
  constructor(private readonly threads: ThreadQueries) {}

  @ResolveField(() => [UserModel])
  async participants(
    @Parent() t: ThreadParent,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<User[]> {
    const users = await Promise.all(
      t.participantIds.map((id) => ctx.loaders.users(actor).load(id)),
    );
    return users.filter((u): u is User => !!u);
  }

  @ResolveField(() => Boolean)
  async following(
    @Parent() t: ThreadParent,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<boolean> {
    return (await this.state(t, actor, ctx)).following;
  }

  @ResolveField(() => Int)
  async unreadCount(
    @Parent() t: ThreadParent,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<number> {
    return (await this.state(t, actor, ctx)).unreadCount;
  }

  private state(
    t: ThreadParent,
    actor: Authenticated,
    ctx: GqlContext,
  ): Promise<ThreadViewerState> {
    return ctx.loaders
      .byMessage('threadStates', (ids) => this.threads.viewerStates(actor, ids), NO_STATE)
      .load(t.rootId);
  }
}
