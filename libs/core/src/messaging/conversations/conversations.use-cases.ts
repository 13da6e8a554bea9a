import { grantCoversConversation } from '../../shared/bot-grant';
import {
  MENTION_ALL_POLICIES,
  MentionAllPolicy,
  defaultMentionAllPolicy,
} from '../mention-all-policy';
import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, newId, UserId } from '../../shared/ids';
import { Page, pageSize } from '../../shared/page';
import { CoreSettings } from '../../shared/settings';
import { checkOptionalText, checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { BlockRepository } from '../../identity/contact.repository';
import { UserRepository } from '../../identity/user.repository';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceExpensiveReadLimit } from '../../limits/expensive-reads';
import { enforceRateLimit } from '../../limits/rate-limit';
import { enforceWriteLimit } from '../../limits/write-limit';
import {
  Conversation,
  ConversationKind,
  defaultHistoryVisibility,
  directKey,
  GENERAL_CHANNEL_KEY,
  HistoryVisibility,
  Member,
  MemberRole,
  MemberSettingsPatch,
} from '../conversation';
import { ConversationRepository, MemberMutation, NewMember } from '../conversation.repository';
import { ADMIN_ROLES, ConversationAccess, notInDirect } from '../conversation-access';
import { FormerMember } from '../read-periods';
import { memberRoleCan } from '../../moderation/permissions';
import { AuditTrail } from '../../moderation/audit-trail';
import { TenantSafety } from '../../safety/tenant-safety';
import { ChannelCreationRule } from '../../safety/channel-creation-rule';

const ROLES: readonly MemberRole[] = ['OWNER', 'ADMIN', 'MODERATOR', 'MEMBER'];
const VISIBILITIES: readonly HistoryVisibility[] = ['FULL', 'SINCE_JOINED'];

function checkVisibility(
  value: HistoryVisibility | null | undefined,
  kind: ConversationKind,
): HistoryVisibility {
  if (value === undefined || value === null) return defaultHistoryVisibility(kind);
  if (!VISIBILITIES.includes(value))
    throw invalid('historyVisibility', 'unknown history visibility');
  return value;
}

/** Creating conversations: direct chats, groups, channels, the tenant's general channel. */
@UseCase()
export class CreateConversations {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly users: UserRepository,
    private readonly blocks: BlockRepository,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly safety: TenantSafety,
    private readonly channelCreation: ChannelCreationRule,
  ) {}

  /** The same DM for the same pair, always, also under concurrent calls from both sides. */
  async openDirect(actor: Actor, userId: string): Promise<Conversation> {
    const other = isWellFormedId(userId) ? await this.users.findById(actor.tenantId, userId) : null;
    if (!other) throw notFound('user');
    if (other.id === actor.userId)
      throw invalid('userId', 'you cannot open a direct conversation with yourself');
    if (await this.blocks.isBlockedEitherWay(actor.tenantId, actor.userId, other.id)) {
      throw new DomainError('BLOCKED', 'you cannot message this user');
    }
    const key = directKey(actor.userId, other.id);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    // Starting conversations with new people has its own, tighter budget (message-request spam).
    if (!(await this.conversations.findByUniqueKey(actor.tenantId, key))) {
      await enforceRateLimit(
        this.limiter,
        `dm-new:${actor.tenantId}:${actor.userId}`,
        this.settings.newDirectPerUser,
        'new direct conversations',
      );
    }
    const { conversation, created } = await this.conversations.findOrCreateUnique(
      this.draft(actor, 'DIRECT', null, key),
      [
        { userId: actor.userId, role: 'MEMBER' },
        { userId: other.id, role: 'MEMBER' },
      ],
    );
    if (created) await this.announce(conversation, [actor.userId, other.id]);
    return conversation;
  }

  async createGroup(
    actor: Actor,
    input: { title: string; memberIds: string[]; historyVisibility?: HistoryVisibility | null },
  ): Promise<Conversation> {
    const title = await this.safety.filter(
      actor.tenantId,
      'title',
      checkText('title', input.title, { min: 1, max: 100 }),
    );
    const visibility = checkVisibility(input.historyVisibility, 'GROUP');
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const memberIds = await this.existingUsers(
      actor,
      input.memberIds,
      this.settings.maxGroupMembers - 1,
    );
    const members: NewMember[] = [
      { userId: actor.userId, role: 'OWNER' },
      ...memberIds.map((userId) => ({ userId, role: 'MEMBER' as const })),
    ];
    const conversation = await this.conversations.create(
      this.draft(actor, 'GROUP', title, null, visibility),
      members,
    );
    await this.announce(
      conversation,
      members.map((m) => m.userId),
    );
    return conversation;
  }

  async createChannel(
    actor: Actor,
    input: {
      title: string;
      historyVisibility?: HistoryVisibility | null;
      description?: string | null;
    },
  ): Promise<Conversation> {
    const title = await this.safety.filter(
      actor.tenantId,
      'title',
      checkText('title', input.title, { min: 1, max: 100 }),
    );
    const visibility = checkVisibility(input.historyVisibility, 'CHANNEL');
    const description =
      checkOptionalText('description', input.description, MAX_DESCRIPTION) ?? null;
    await this.channelCreation.check(actor);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const conversation = await channelNameTaken(() =>
      this.conversations.create(
        { ...this.draft(actor, 'CHANNEL', title, null, visibility), description },
        [{ userId: actor.userId, role: 'OWNER' }],
      ),
    );
    await this.announce(conversation, [actor.userId]);
    return conversation;
  }

  /** Every tenant has a public `general` channel. */
  async ensureGeneralChannel(tenantId: string): Promise<Conversation> {
    const now = this.clock.now();
    const { conversation } = await this.conversations.findOrCreateUnique(
      {
        id: newId(),
        tenantId,
        kind: 'CHANNEL',
        title: 'general',
        uniqueKey: GENERAL_CHANNEL_KEY,
        lastSeq: 0,
        lastMessageId: null,
        lastActivityAt: now,
        memberCount: 0,
        historyVisibility: defaultHistoryVisibility('CHANNEL'),
        mentionAll: defaultMentionAllPolicy('CHANNEL'),
        description: null,
        disappearAfterSeconds: null,
        createdBy: null,
        createdAt: now,
      },
      [],
    );
    return conversation;
  }

  /** Validates, dedupes and checks existence (in the tenant) and blocks of user ids. */
  async existingUsers(actor: Actor, ids: string[], max: number): Promise<UserId[]> {
    if (!Array.isArray(ids)) throw invalid('memberIds', 'memberIds must be a list');
    const unique = [...new Set(ids)].filter((id) => id !== actor.userId);
    if (unique.length > max)
      throw invalid('memberIds', `at most ${max} members can be added at once`);
    if (!unique.every(isWellFormedId)) throw notFound('user');
    const found = await this.users.findByIds(actor.tenantId, unique);
    if (found.length !== unique.length) throw notFound('user');
    // Blocking holds in groups too: nobody puts a user who blocked them (or whom they blocked) in one.
    const blocked = await Promise.all(
      unique.map((id) => this.blocks.isBlockedEitherWay(actor.tenantId, actor.userId, id)),
    );
    if (blocked.some(Boolean))
      throw new DomainError('BLOCKED', 'you cannot add a user you blocked or who blocked you');
    return unique;
  }

  private draft(
    actor: Actor,
    kind: ConversationKind,
    title: string | null,
    uniqueKey: string | null,
    historyVisibility: HistoryVisibility = defaultHistoryVisibility(kind),
  ): Conversation {
    const now = this.clock.now();
    return {
      id: newId(),
      tenantId: actor.tenantId,
      kind,
      title,
      uniqueKey,
      lastSeq: 0,
      lastMessageId: null,
      lastActivityAt: now,
      memberCount: 0,
      historyVisibility,
      mentionAll: defaultMentionAllPolicy(kind),
      description: null,
      disappearAfterSeconds: null,
      createdBy: actor.userId,
      createdAt: now,
    };
  }

  /** Initial members learn about the new conversation on their own topics. */
  private async announce(conversation: Conversation, userIds: UserId[]): Promise<void> {
    await Promise.all(
      userIds.map((userId) =>
        this.publisher.toUser(userId, {
          type: 'MEMBERSHIP_CHANGED',
          tenantId: conversation.tenantId,
          conversationId: conversation.id,
          seq: conversation.lastSeq,
          userId,
          change: 'ADDED',
          conversation,
        }),
      ),
    );
  }
}

/** Membership changes; each is an ordered event of the conversation. */
@UseCase()
export class ManageMembers {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly access: ConversationAccess,
    private readonly creator: CreateConversations,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  async join(actor: Actor, conversationId: string): Promise<Conversation> {
    const visible = await this.access.visible(actor, conversationId);
    if (!visible || visible.conversation.kind !== 'CHANNEL') throw notFound('conversation');
    await this.limit(actor);
    if (visible.member) return visible.conversation;
    const mutations = await this.conversations.addMembers(
      actor.tenantId,
      conversationId,
      [{ userId: actor.userId, role: 'MEMBER' }],
      this.clock.now(),
      actor.userId,
    );
    return this.publish(visible.conversation, mutations);
  }

  async add(actor: Actor, conversationId: string, userIds: string[]): Promise<Conversation> {
    const { conversation } = await this.access.withRole(actor, conversationId, ADMIN_ROLES);
    notInDirect(conversation);
    await this.limit(actor);
    const room = this.settings.maxGroupMembers - conversation.memberCount;
    const ids = await this.creator.existingUsers(
      actor,
      userIds,
      Math.max(0, Math.min(room, this.settings.maxGroupMembers)),
    );
    if (ids.length === 0) return conversation;
    const mutations = await this.conversations.addMembers(
      actor.tenantId,
      conversationId,
      ids.map((userId) => ({ userId, role: 'MEMBER' as const })),
      this.clock.now(),
      actor.userId,
    );
    return this.publish(conversation, mutations);
  }

  async remove(actor: Actor, conversationId: string, userId: string): Promise<Conversation> {
    if (userId === actor.userId) throw invalid('userId', 'use leaveConversation to leave');
    const { conversation, member: me } = await this.access.withRole(
      actor,
      conversationId,
      ADMIN_ROLES,
    );
    notInDirect(conversation);
    const target = isWellFormedId(userId)
      ? await this.conversations.getMember(actor.tenantId, conversationId, userId)
      : null;
    if (!target) throw notFound('member');
    if (target.role === 'OWNER' && me.role !== 'OWNER')
      throw new DomainError('FORBIDDEN', 'only owners can remove owners');
    await this.limit(actor);
    const mutation = await this.conversations.removeMember(
      actor.tenantId,
      conversationId,
      userId,
      'REMOVED',
      this.clock.now(),
      actor.userId,
    );
    if (mutation)
      await this.audit.record({
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'MEMBER_REMOVED',
        targetUserId: userId,
        conversationId,
      });
    return this.publish(conversation, mutation ? [mutation] : []);
  }

  async setRole(
    actor: Actor,
    conversationId: string,
    userId: string,
    role: MemberRole,
  ): Promise<Conversation> {
    if (!ROLES.includes(role)) throw invalid('role', 'unknown role');
    const { conversation, member: me } = await this.access.withRole(
      actor,
      conversationId,
      ADMIN_ROLES,
    );
    notInDirect(conversation);
    const target = isWellFormedId(userId)
      ? await this.conversations.getMember(actor.tenantId, conversationId, userId)
      : null;
    if (!target) throw notFound('member');
    if ((role === 'OWNER' || target.role === 'OWNER') && me.role !== 'OWNER') {
      throw new DomainError('FORBIDDEN', 'only owners can grant or take ownership');
    }
    if (
      (role === 'MODERATOR' || target.role === 'MODERATOR') &&
      !memberRoleCan(me.role, 'moderators.appoint')
    ) {
      throw new DomainError('FORBIDDEN', 'only owners can appoint or dismiss moderators');
    }
    if (target.role === role) return conversation;
    if (
      target.role === 'OWNER' &&
      (await this.conversations.countMembersWithRole(actor.tenantId, conversationId, 'OWNER')) <= 1
    ) {
      throw new DomainError(
        'LAST_OWNER',
        'the last owner must hand ownership to someone else first',
      );
    }
    await this.limit(actor);
    const mutation = await this.conversations.setRole(
      actor.tenantId,
      conversationId,
      userId,
      role,
      this.clock.now(),
      actor.userId,
    );
    if (mutation)
      await this.audit.record({
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'MEMBER_ROLE_CHANGED',
        targetUserId: userId,
        conversationId,
        details: { role, previous: target.role },
      });
    return this.publish(conversation, mutation ? [mutation] : []);
  }

  async leave(actor: Actor, conversationId: string): Promise<boolean> {
    const { conversation, member } = await this.access.member(actor, conversationId);
    await this.limit(actor);
    notInDirect(conversation);
    // A channel stays public after its owner goes: it is never left ownerless, even by a lone
    // owner (joiners would find nobody to moderate or rename it). A group empties with them.
    if (
      member.role === 'OWNER' &&
      (conversation.kind === 'CHANNEL' || conversation.memberCount > 1) &&
      (await this.conversations.countMembersWithRole(actor.tenantId, conversationId, 'OWNER')) <= 1
    ) {
      throw new DomainError('LAST_OWNER', 'hand ownership to another member before leaving');
    }
    const mutation = await this.conversations.removeMember(
      actor.tenantId,
      conversationId,
      actor.userId,
      'LEFT',
      this.clock.now(),
      actor.userId,
    );
    if (mutation) {
      const after =
        (await this.conversations.findById(actor.tenantId, conversationId)) ?? conversation;
      await this.publisher.logged(after, mutation.event);
    }
    return true;
  }

  private async limit(actor: Actor): Promise<void> {
    await enforceWriteLimit(this.limiter, this.settings, actor);
  }

  private async publish(
    conversation: Conversation,
    mutations: MemberMutation[],
  ): Promise<Conversation> {
    if (mutations.length === 0) return conversation;
    // Events carry the conversation as it is after the change (member count, last seq).
    const after =
      (await this.conversations.findById(conversation.tenantId, conversation.id)) ?? conversation;
    for (const mutation of mutations) await this.publisher.logged(after, mutation.event);
    return after;
  }
}

/** Reading conversations: the caller's list, one conversation, public channels, members. */
@UseCase()
export class ConversationQueries {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly access: ConversationAccess,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
  ) {}

  async list(
    actor: Actor,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<{ conversation: Conversation; member: Member }>> {
    const page = await this.conversations.listForUser(actor.tenantId, actor.userId, {
      first: pageSize(first, 50),
      after: after ?? null,
    });
    if (!actor.grant?.conversationIds) return page;
    // A bot token scoped to some conversations lists only those (a page may come out shorter).
    const keep = page.items.map((i) => grantCoversConversation(actor.grant, i.conversation.id));
    return {
      ...page,
      items: page.items.filter((_, i) => keep[i]),
      cursors: page.cursors.filter((_, i) => keep[i]),
    };
  }

  get(
    actor: Actor,
    id: string,
  ): Promise<{ conversation: Conversation; member: Member | null } | null> {
    return this.access.visible(actor, id);
  }

  /**
   * Conversations the actor left or was removed from and reads read-only (latest exit first), so
   * a client lists them after a reload too.
   */
  async former(actor: Actor, first: number | null | undefined): Promise<Conversation[]> {
    const ids = await this.conversations.listFormerIdsForUser(
      actor.tenantId,
      actor.userId,
      pageSize(first, 50),
    );
    if (ids.length === 0) return [];
    const found = new Map(
      (await this.conversations.findByIds(actor.tenantId, ids)).map((c) => [c.id, c]),
    );
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** How the actor's membership ended, while they are a former member; null otherwise. */
  async exit(actor: Actor, conversation: Conversation): Promise<FormerMember | null> {
    if (await this.conversations.getMember(actor.tenantId, conversation.id, actor.userId))
      return null;
    return this.conversations.getFormerMember(actor.tenantId, conversation.id, actor.userId);
  }

  async channels(
    actor: Actor,
    query: string | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<Conversation>> {
    const q = checkOptionalText('query', query, 100) ?? null;
    const page = { first: pageSize(first, 50), after: after ?? null };
    if (q !== null) await enforceExpensiveReadLimit(this.limiter, this.settings, actor);
    return this.conversations.searchChannels(actor.tenantId, q, page);
  }

  /**
   * A page of members: of a public channel for anyone of the tenant, of other conversations for
   * their members only; empty otherwise. `myMembership` reads the caller's own membership (the
   * GraphQL layer batches those reads); a channel's page does not need it.
   */
  async members(
    actor: Actor,
    conversation: Conversation,
    first: number | null | undefined,
    after: string | null | undefined,
    myMembership: () => Promise<Member | null>,
  ): Promise<Page<Member>> {
    const page = { first: pageSize(first), after: after ?? null };
    if (conversation.kind !== 'CHANNEL' && !(await myMembership()))
      return { items: [], cursors: [], hasNextPage: false };
    await enforceExpensiveReadLimit(this.limiter, this.settings, actor);
    return this.conversations.listMembers(actor.tenantId, conversation.id, page);
  }
}

/** Changing a conversation: its title and history visibility (admins), the caller's own settings. */
@UseCase()
export class UpdateConversation {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly access: ConversationAccess,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly safety: TenantSafety,
  ) {}

  async execute(
    actor: Actor,
    input: {
      conversationId: string;
      title?: string | null;
      description?: string | null;
      historyVisibility?: HistoryVisibility | null;
      mentionAll?: MentionAllPolicy | null;
      disappearAfterSeconds?: number | null;
      muted?: boolean | null;
      pinned?: boolean | null;
      archived?: boolean | null;
    },
  ): Promise<Conversation> {
    let { conversation, member } = await this.access.member(actor, input.conversationId);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    if (input.title !== undefined && input.title !== null) {
      notInDirect(conversation);
      if (!ADMIN_ROLES.includes(member.role))
        throw new DomainError('FORBIDDEN', 'only conversation admins can rename it');
      const title = await this.safety.filter(
        actor.tenantId,
        'title',
        checkText('title', input.title, { min: 1, max: 100 }),
      );
      if (title !== conversation.title) {
        const changed = await channelNameTaken(() =>
          this.conversations.updateTitle(
            actor.tenantId,
            conversation.id,
            title,
            this.clock.now(),
            actor.userId,
          ),
        );
        if (changed) {
          conversation = changed.conversation;
          await this.publisher.logged(conversation, changed.event);
        }
      }
    }
    if (input.description !== undefined && input.description !== null) {
      notInDirect(conversation);
      if (!ADMIN_ROLES.includes(member.role))
        throw new DomainError('FORBIDDEN', 'only conversation admins can change the description');
      // '' (or only spaces) clears it.
      const description =
        checkOptionalText('description', input.description, MAX_DESCRIPTION) ?? null;
      if (description !== conversation.description) {
        const changed = await this.conversations.updateDescription(
          actor.tenantId,
          conversation.id,
          description ?? '',
          this.clock.now(),
          actor.userId,
        );
        if (changed) {
          conversation = changed.conversation;
          await this.publisher.logged(conversation, changed.event);
        }
      }
    }
    if (input.historyVisibility !== undefined && input.historyVisibility !== null) {
      notInDirect(conversation);
      if (!ADMIN_ROLES.includes(member.role))
        throw new DomainError(
          'FORBIDDEN',
          'only conversation admins can change history visibility',
        );
      const visibility = checkVisibility(input.historyVisibility, conversation.kind);
      if (visibility !== conversation.historyVisibility) {
        const changed = await this.conversations.updateHistoryVisibility(
          actor.tenantId,
          conversation.id,
          visibility,
          this.clock.now(),
          actor.userId,
        );
        if (changed) {
          conversation = changed.conversation;
          await this.publisher.logged(conversation, changed.event);
        }
      }
    }
    if (input.mentionAll !== undefined && input.mentionAll !== null) {
      notInDirect(conversation);
      if (!ADMIN_ROLES.includes(member.role))
        throw new DomainError('FORBIDDEN', 'only conversation admins can change who may use @all');
      if (!MENTION_ALL_POLICIES.includes(input.mentionAll))
        throw invalid('mentionAll', 'unknown @all policy');
      if (input.mentionAll !== conversation.mentionAll) {
        const changed = await this.conversations.updateMentionAll(
          actor.tenantId,
          conversation.id,
          input.mentionAll,
          this.clock.now(),
        );
        if (changed) {
          conversation = changed.conversation;
          await this.publisher.logged(conversation, changed.event);
        }
      }
    }
    if (input.disappearAfterSeconds !== undefined && input.disappearAfterSeconds !== null) {
      // Direct chats: either member; groups and channels: their admins.
      if (conversation.kind !== 'DIRECT' && !ADMIN_ROLES.includes(member.role))
        throw new DomainError(
          'FORBIDDEN',
          'only conversation admins can change disappearing messages',
        );
      const seconds = input.disappearAfterSeconds;
      const timers = this.settings.disappearingTimers;
      if (!Number.isInteger(seconds) || (seconds !== 0 && !timers.includes(seconds)))
        throw invalid(
          'disappearAfterSeconds',
          `disappearAfterSeconds must be 0 (off) or one of ${timers.join(', ')}`,
        );
      const next = seconds === 0 ? null : seconds;
      if (next !== conversation.disappearAfterSeconds) {
        const changed = await this.conversations.updateDisappearing(
          actor.tenantId,
          conversation.id,
          next,
          this.clock.now(),
          actor.userId,
        );
        if (changed) {
          conversation = changed.conversation;
          await this.publisher.logged(conversation, changed.event);
        }
      }
    }
    const patch: MemberSettingsPatch = {};
    for (const key of ['muted', 'pinned', 'archived'] as const) {
      const value = input[key];
      if (value !== undefined && value !== null) {
        if (typeof value !== 'boolean') throw invalid(key, `${key} must be a boolean`);
        patch[key] = value;
      }
    }
    if (Object.keys(patch).length > 0) {
      member =
        (await this.conversations.updateMemberSettings(
          actor.tenantId,
          conversation.id,
          actor.userId,
          patch,
        )) ?? member;
      await this.publisher.toUser(actor.userId, {
        type: 'MEMBER_SETTINGS_CHANGED',
        tenantId: actor.tenantId,
        conversationId: conversation.id,
        userId: actor.userId,
        conversation,
      });
    }
    return conversation;
  }
}

/** Longest group or channel description, in characters. */
export const MAX_DESCRIPTION = 500;

/** A store's CONFLICT on a channel write means the name is taken: say so, naming the field. */
async function channelNameTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'CONFLICT')
      throw new DomainError('CONFLICT', 'a channel with this name already exists', {
        field: 'title',
      });
    throw error;
  }
}
