import { UseGuards } from '@nestjs/common';
import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuditAction, AuditEntry, Authenticated, ReadAuditLog, User } from '@chatter/core';
import { AuthGuard, CurrentActor, GqlCtx } from '../context/auth.guard';
import { GqlContext } from '../context/gql-context';
import {
  AuditDetailModel,
  AuditEntryConnectionModel,
  AuditEntryModel,
  AuditLogFilterInput,
} from '../models/audit-entry.model';
import { pageInfo } from '../models/page-info.model';
import { UserModel } from '../models/user.model';

/** The tenant's audit log for its owners and admins; the rules are in ReadAuditLog. */
@Resolver(() => AuditEntryModel)
@UseGuards(AuthGuard)
export class AuditLogResolver {
  constructor(private readonly audit: ReadAuditLog) {}

  @Query(() => AuditEntryConnectionModel, {
    description:
      'Tenant owners and admins: every administrative and moderation action, newest first.',
  })
  async auditLog(
    @CurrentActor() actor: Authenticated,
    @Args('filter', { type: () => AuditLogFilterInput, nullable: true })
    filter: AuditLogFilterInput | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<AuditEntryConnectionModel> {
    const page = await this.audit.list(
      actor,
      {
        action: (filter?.action ?? null) as AuditAction | null,
        actorId: filter?.actorId ?? null,
        targetUserId: filter?.targetUserId ?? null,
        since: filter?.since ?? null,
        before: filter?.before ?? null,
      },
      first,
      after,
    );
    return {
      edges: page.items.map((node, i) => ({ cursor: page.cursors[i]!, node })),
      pageInfo: pageInfo(page.cursors, page.hasNextPage, Boolean(after)),
    };
  }

  @ResolveField(() => [AuditDetailModel])
  details(@Parent() e: AuditEntry): AuditDetailModel[] {
    return Object.entries(e.details).map(([key, value]) => ({
      key,
      value: value === null ? null : String(value),
    }));
  }

  @ResolveField(() => UserModel, { nullable: true })
  actor(@Parent() e: AuditEntry, @GqlCtx() ctx: GqlContext): Promise<User | null> | null {
    return e.actorId && ctx.actor ? ctx.loaders.users(ctx.actor).load(e.actorId) : null;
  }

  @ResolveField(() => UserModel, { nullable: true })
  target(@Parent() e: AuditEntry, @GqlCtx() ctx: GqlContext): Promise<User | null> | null {
    return e.targetUserId && ctx.actor ? ctx.loaders.users(ctx.actor).load(e.targetUserId) : null;
  }
}
