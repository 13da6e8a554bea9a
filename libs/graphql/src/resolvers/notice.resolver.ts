import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, ConversationNotices, NoticeEvent, User } from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import { HistoryVisibilityEnum, MemberRoleEnum } from '../models/enums';
import {
  ConversationNoticeModel,
  ConversationNoticeConnectionModel,
  NoticeKindEnum,
} from '../models/notice.model';
import { UserModel } from '../models/user.model';

/** A notice as the resolver hands it on: the model's scalar fields plus the ids to resolve. */
type NoticeView = Omit<ConversationNoticeModel, 'actor' | 'member'> & {
  actorId: string | null;
  memberId: string | null;
};

const kindOf = (e: NoticeEvent): NoticeKindEnum => {
  if (e.kind === 'MEMBERSHIP_CHANGED') {
    switch (e.change) {
      case 'ADDED':
        return e.actorId === e.userId ? NoticeKindEnum.MEMBER_JOINED : NoticeKindEnum.MEMBER_ADDED;
      case 'REMOVED':
        return NoticeKindEnum.MEMBER_REMOVED;
      case 'LEFT':
        return NoticeKindEnum.MEMBER_LEFT;
      case 'ROLE_CHANGED':
        return NoticeKindEnum.ROLE_CHANGED;
    }
  }
  switch (e.attribute) {
    case 'TITLE':
      return NoticeKindEnum.TITLE_CHANGED;
    case 'HISTORY_VISIBILITY':
      return NoticeKindEnum.HISTORY_VISIBILITY_CHANGED;
    case 'DESCRIPTION':
      return NoticeKindEnum.DESCRIPTION_CHANGED;
    case 'DISAPPEARING':
      return NoticeKindEnum.DISAPPEARING_CHANGED;
    case undefined:
      return NoticeKindEnum.CONVERSATION_CHANGED;
  }
};

export const toNoticeView = (conversationId: string, e: NoticeEvent): NoticeView => {
  const membership = e.kind === 'MEMBERSHIP_CHANGED';
  const attribute = membership ? undefined : e.attribute;
  const value = membership ? undefined : e.value;
  return {
    id: `${conversationId}:${e.seq}`,
    conversationId,
    seq: e.seq,
    at: e.at,
    kind: kindOf(e),
    actorId: e.actorId ?? null,
    memberId: membership ? e.userId : null,
    role: membership && e.role ? (e.role as MemberRoleEnum) : null,
    title: attribute === 'TITLE' ? (value ?? null) : null,
    historyVisibility:
      attribute === 'HISTORY_VISIBILITY' && value ? (value as HistoryVisibilityEnum) : null,
    description: attribute === 'DESCRIPTION' ? (value ?? null) : null,
    disappearAfterSeconds: attribute === 'DISAPPEARING' && value ? Number(value) : null,
  };
};

@Resolver(() => ConversationNoticeModel)
@UseGuards(AuthGuard)
export class NoticeResolver {
  constructor(private readonly notices: ConversationNotices) {}

  @Query(() => ConversationNoticeConnectionModel, {
    description:
      "The timeline's lines (membership, role, title and setting changes) after a seq, oldest first; a client shows them between the messages of the same seq range.",
  })
  async conversationNotices(
    @CurrentActor() actor: Authenticated,
    @Args('conversationId', { type: () => ID }) conversationId: string,
    @Args('after', { type: () => Int, nullable: true }) after: number | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
  ): Promise<{ notices: NoticeView[]; hasNextPage: boolean }> {
    const page = await this.notices.list(actor, conversationId, after, first);
    return {
      notices: page.notices.map((e) => toNoticeView(conversationId, e)),
      hasNextPage: page.hasNextPage,
    };
  }

  @ResolveField(() => UserModel, { nullable: true })
  actor(
    @Parent() n: NoticeView,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<User | null> {
    return n.actorId ? ctx.loaders.users(actor).load(n.actorId) : Promise.resolve(null);
  }

  @ResolveField(() => UserModel, { nullable: true })
  member(
    @Parent() n: NoticeView,
    @CurrentActor() actor: Authenticated,
    @GqlCtx() ctx: GqlContext,
  ): Promise<User | null> {
    return n.memberId ? ctx.loaders.users(actor).load(n.memberId) : Promise.resolve(null);
  }
}
