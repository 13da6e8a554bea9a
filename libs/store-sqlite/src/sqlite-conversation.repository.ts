import type { Database } from 'better-sqlite3';
import {
  channelNameKey,
  closePeriod,
  Conversation,
  ConversationChangeDetails,
  ConversationId,
  ConversationRepository,
  DomainError,
  FormerMember,
  HistoryVisibility,
  MentionAllPolicy,
  LoggedEvent,
  NoticeEvent,
  Member,
  MemberMutation,
  MemberRole,
  MemberSettingsPatch,
  MembershipChange,
  NewMember,
  Page,
  PageRequest,
  ReadPeriod,
  SettledSeqs,
  TenantId,
  UserId,
  invalid,
} from '@chatter/core';
import { ConversationLog } from './conversation-log';
import {
  ConversationRow,
  EventRow,
  MemberRow,
  foldTitle,
  fromConversation,
  toConversation,
  toLoggedEvent,
  toMember,
} from './mappers/conversation.mapper';
import { decodeKeyset, toPage } from './pagination';
import { mapConstraintErrors } from './sqlite-errors';

type MemberInsert = {
  tenant_id: string;
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  joined_at: number;
};
type FormerMemberRow = {
  tenant_id: string;
  conversation_id: string;
  user_id: string;
  /** JSON of ReadPeriod[]. */
  periods: string;
  change: 'REMOVED' | 'LEFT';
  actor_id: string | null;
  exited_at: number;
};
type SettingsPatchRow = {
  tenant_id: string;
  conversation_id: string;
  user_id: string;
  set_muted: number;
  muted: number;
  set_pinned: number;
  pinned: number;
  set_archived: number;
  archived: number;
};
/** A conversation row joined with the caller's membership (member columns prefixed `m_`). */
type ConversationMemberRow = ConversationRow & {
  m_user_id: string;
  m_role: MemberRole;
  m_joined_at: number;
  m_history_from_seq: number;
  m_read_seq: number;
  m_delivered_seq: number;
  m_muted: number;
  m_pinned: number;
  m_archived: number;
};

const toConversationWithMember = (row: ConversationMemberRow) => ({
  conversation: toConversation(row),
  member: toMember({
    tenant_id: row.tenant_id,
    conversation_id: row.id,
    user_id: row.m_user_id,
    role: row.m_role,
    joined_at: row.m_joined_at,
    history_from_seq: row.m_history_from_seq,
    read_seq: row.m_read_seq,
    delivered_seq: row.m_delivered_seq,
    muted: row.m_muted,
    pinned: row.m_pinned,
    archived: row.m_archived,
  }),
});

const EVENT_COLUMNS =
  'seq, kind, message_id, user_id, change, at, actor_id, role, attribute, value';

/** The actor of a logged change, when the caller named one. */
const actor = (actorId: string | undefined): { actorId?: string } =>
  actorId === undefined ? {} : { actorId };

const bool = (value: boolean | undefined): number => (value ? 1 : 0);
const isSet = (value: boolean | undefined): number => (value === undefined ? 0 : 1);

export class SqliteConversationRepository extends ConversationRepository {
  private readonly s: ReturnType<typeof prepareStatements>;
  private readonly createTx: (conversation: Conversation, members: NewMember[]) => Conversation;
  private readonly findOrCreateTx: (
    conversation: Conversation,
    members: NewMember[],
  ) => { conversation: Conversation; created: boolean };
  private readonly addMembersTx: (
    t: string,
    c: string,
    members: NewMember[],
    at: Date,
    actorId: string | undefined,
  ) => MemberMutation[];
  private readonly removeMemberTx: (
    t: string,
    c: string,
    u: string,
    change: MembershipChange,
    at: Date,
    actorId: string | undefined,
  ) => MemberMutation | null;
  private readonly setRoleTx: (
    t: string,
    c: string,
    u: string,
    role: MemberRole,
    at: Date,
    actorId: string | undefined,
  ) => MemberMutation | null;
  /** Logs a CONVERSATION_CHANGED entry and applies the change in one transaction. */
  private readonly recordChangeTx: (
    t: string,
    c: string,
    at: Date,
    details: ConversationChangeDetails,
    apply: () => ConversationRow,
  ) => { conversation: Conversation; event: LoggedEvent } | null;

  constructor(db: Database, log: ConversationLog) {
    super();
    const s = (this.s = prepareStatements(db));

    const insertAll = (conversation: Conversation, members: NewMember[]): Conversation => {
      const row = { ...fromConversation(conversation), last_seq: 0, member_count: 0 };
      mapConstraintErrors('conversation', () => s.insertConversation.run(row));
      let count = 0;
      for (const m of members) {
        const inserted = mapConstraintErrors('member', () =>
          s.insertMember.run({
            tenant_id: conversation.tenantId,
            conversation_id: conversation.id,
            user_id: m.userId,
            role: m.role,
            joined_at: row.created_at,
          }),
        );
        count += inserted.changes;
      }
      s.adjustMemberCount.run(count, conversation.tenantId, conversation.id);
      return toConversation(s.byId.get(conversation.tenantId, conversation.id)!);
    };

    this.createTx = db.transaction(insertAll).immediate;
    this.findOrCreateTx = db.transaction((conversation: Conversation, members: NewMember[]) => {
      const existing = s.byUniqueKey.get(conversation.tenantId, conversation.uniqueKey!);
      if (existing) return { conversation: toConversation(existing), created: false };
      return { conversation: insertAll(conversation, members), created: true };
    }).immediate;

    this.addMembersTx = db.transaction(
      (t: string, c: string, members: NewMember[], at: Date, actorId: string | undefined) => {
        if (!s.exists.get(t, c)) throw new DomainError('NOT_FOUND', 'conversation not found');
        const mutations: MemberMutation[] = [];
        for (const m of members) {
          const inserted = mapConstraintErrors('member', () =>
            s.insertMember.run({
              tenant_id: t,
              conversation_id: c,
              user_id: m.userId,
              role: m.role,
              joined_at: at.getTime(),
            }),
          );
          if (inserted.changes === 0) continue; // already a member
          const event = log.record(
            t,
            c,
            { kind: 'MEMBERSHIP_CHANGED', userId: m.userId, change: 'ADDED', ...actor(actorId) },
            at,
          )!;
          // Under SINCE_JOINED the member sees only what follows this entry.
          const member = s.startHistory.get(event.seq, t, c, m.userId)!;
          mutations.push({ event, member: toMember(member) });
        }
        if (mutations.length > 0) s.adjustMemberCount.run(mutations.length, t, c);
        return mutations;
      },
    ).immediate;

    this.removeMemberTx = db.transaction(
      (
        t: string,
        c: string,
        u: string,
        change: MembershipChange,
        at: Date,
        actorId: string | undefined,
      ) => {
        const removed = s.deleteMember.get(t, c, u);
        if (!removed) return null;
        s.adjustMemberCount.run(-1, t, c);
        const event = log.record(
          t,
          c,
          { kind: 'MEMBERSHIP_CHANGED', userId: u, change, ...actor(actorId) },
          at,
        )!;
        const previous = s.formerMember.get(t, c, u);
        const periods = closePeriod(
          previous ? (JSON.parse(previous.periods) as ReadPeriod[]) : [],
          { historyFromSeq: removed.history_from_seq },
          event.seq,
        );
        s.upsertFormerMember.run({
          tenant_id: t,
          conversation_id: c,
          user_id: u,
          periods: JSON.stringify(periods),
          change: change === 'LEFT' ? 'LEFT' : 'REMOVED',
          actor_id: actorId ?? null,
          exited_at: at.getTime(),
        });
        return { event, member: null };
      },
    ).immediate;

    this.setRoleTx = db.transaction(
      (
        t: string,
        c: string,
        u: string,
        role: MemberRole,
        at: Date,
        actorId: string | undefined,
      ) => {
        const row = s.setRole.get(role, t, c, u);
        if (!row) return null;
        const event = log.record(
          t,
          c,
          {
            kind: 'MEMBERSHIP_CHANGED',
            userId: u,
            change: 'ROLE_CHANGED',
            role,
            ...actor(actorId),
          },
          at,
        )!;
        return { event, member: toMember(row) };
      },
    ).immediate;

    this.recordChangeTx = db.transaction(
      (
        t: string,
        c: string,
        at: Date,
        details: ConversationChangeDetails,
        apply: () => ConversationRow,
      ) => {
        const event = log.record(t, c, { kind: 'CONVERSATION_CHANGED', ...details }, at);
        if (!event) return null;
        return { conversation: toConversation(apply()), event };
      },
    ).immediate;
  }

  override async create(conversation: Conversation, members: NewMember[]): Promise<Conversation> {
    return this.createTx(conversation, members);
  }

  override async findOrCreateUnique(
    conversation: Conversation,
    members: NewMember[],
  ): Promise<{ conversation: Conversation; created: boolean }> {
    if (conversation.uniqueKey === null)
      throw invalid('uniqueKey', 'findOrCreateUnique needs a uniqueKey');
    return this.findOrCreateTx(conversation, members);
  }

  override async findById(tenantId: TenantId, id: ConversationId): Promise<Conversation | null> {
    const row = this.s.byId.get(tenantId, id);
    return row ? toConversation(row) : null;
  }

  override async findByIds(
    tenantId: TenantId,
    ids: readonly ConversationId[],
  ): Promise<Conversation[]> {
    if (ids.length === 0) return [];
    return this.s.byIds.all(tenantId, JSON.stringify(ids)).map(toConversation);
  }

  override async findByUniqueKey(tenantId: TenantId, key: string): Promise<Conversation | null> {
    const row = this.s.byUniqueKey.get(tenantId, key);
    return row ? toConversation(row) : null;
  }

  override async listForUser(
    tenantId: TenantId,
    userId: UserId,
    page: PageRequest,
  ): Promise<Page<{ conversation: Conversation; member: Member }>> {
    let rows: ConversationMemberRow[];
    if (page.after === null) {
      rows = this.s.forUserFirst.all(tenantId, userId, page.first + 1);
    } else {
      const [at, id] = decodeKeyset(page.after, ['number', 'string']);
      rows = this.s.forUserNext.all(tenantId, userId, at, at, id, page.first + 1);
    }
    return toPage(rows, page, toConversationWithMember, (r) => [r.last_activity_at, r.id]);
  }

  override async searchChannels(
    tenantId: TenantId,
    query: string | null,
    page: PageRequest,
  ): Promise<Page<Conversation>> {
    const needle = query === null || query === '' ? null : query.toLowerCase();
    const limit = page.first + 1;
    let rows: ConversationRow[];
    if (page.after === null) {
      rows =
        needle === null
          ? this.s.channelsFirst.all(tenantId, limit)
          : this.s.channelsMatchingFirst.all(tenantId, needle, limit);
    } else {
      const [title, id] = decodeKeyset(page.after, ['string', 'string']);
      rows =
        needle === null
          ? this.s.channelsNext.all(tenantId, title, id, limit)
          : this.s.channelsMatchingNext.all(tenantId, needle, title, id, limit);
    }
    return toPage(rows, page, toConversation, (r) => [r.title ?? '', r.id]);
  }

  override async listIdsForUser(
    tenantId: TenantId,
    userId: UserId,
    limit: number,
  ): Promise<ConversationId[]> {
    if (limit <= 0) return [];
    // Most users fit in the limit: their memberships alone answer, without visiting each
    // conversation to order them. Only a user over the limit needs the most recently active.
    const all = this.s.memberConversationIds.all(tenantId, userId, limit + 1);
    if (all.length <= limit) return all;
    return this.s.idsForUser.all(tenantId, userId, limit).map((r) => r.id);
  }

  override async listPeerIds(tenantId: TenantId, userId: UserId, limit: number): Promise<UserId[]> {
    return this.s.peers.all(tenantId, userId, userId, limit).map((r) => r.user_id);
  }

  override async getMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
  ): Promise<Member | null> {
    const row = this.s.member.get(tenantId, conversationId, userId);
    return row ? toMember(row) : null;
  }

  override async getFormerMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
  ): Promise<FormerMember | null> {
    const row = this.s.formerMember.get(tenantId, conversationId, userId);
    return row
      ? {
          tenantId: row.tenant_id,
          conversationId: row.conversation_id,
          userId: row.user_id,
          periods: JSON.parse(row.periods) as ReadPeriod[],
          change: row.change,
          actorId: row.actor_id,
          exitedAt: new Date(row.exited_at),
        }
      : null;
  }

  override async listFormerIdsForUser(
    tenantId: TenantId,
    userId: UserId,
    limit: number,
  ): Promise<ConversationId[]> {
    return this.s.formerIdsForUser.all(tenantId, userId, limit).map((r) => r.conversation_id);
  }

  override async listMembers(
    tenantId: TenantId,
    conversationId: ConversationId,
    page: PageRequest,
  ): Promise<Page<Member>> {
    let rows: MemberRow[];
    if (page.after === null) {
      rows = this.s.membersFirst.all(tenantId, conversationId, page.first + 1);
    } else {
      const [at, userId] = decodeKeyset(page.after, ['number', 'string']);
      rows = this.s.membersNext.all(tenantId, conversationId, at, userId, page.first + 1);
    }
    return toPage(rows, page, toMember, (r) => [r.joined_at, r.user_id]);
  }

  override async countMembersWithRole(
    tenantId: TenantId,
    conversationId: ConversationId,
    role: MemberRole,
  ): Promise<number> {
    return this.s.countRole.get(tenantId, conversationId, role)!.n;
  }

  override async addMembers(
    tenantId: TenantId,
    conversationId: ConversationId,
    members: NewMember[],
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation[]> {
    return this.addMembersTx(tenantId, conversationId, members, at, actorId);
  }

  override async removeMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    change: Extract<MembershipChange, 'REMOVED' | 'LEFT'>,
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation | null> {
    return this.removeMemberTx(tenantId, conversationId, userId, change, at, actorId);
  }

  override async setRole(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    role: MemberRole,
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation | null> {
    return this.setRoleTx(tenantId, conversationId, userId, role, at, actorId);
  }

  override async updateMemberSettings(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    patch: MemberSettingsPatch,
  ): Promise<Member | null> {
    const row = this.s.settings.get({
      tenant_id: tenantId,
      conversation_id: conversationId,
      user_id: userId,
      set_muted: isSet(patch.muted),
      muted: bool(patch.muted),
      set_pinned: isSet(patch.pinned),
      pinned: bool(patch.pinned),
      set_archived: isSet(patch.archived),
      archived: bool(patch.archived),
    });
    return row ? toMember(row) : null;
  }

  override async updateHistoryVisibility(
    tenantId: TenantId,
    conversationId: ConversationId,
    visibility: HistoryVisibility,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    const details = { attribute: 'HISTORY_VISIBILITY' as const, value: visibility };
    return this.recordChangeTx(
      tenantId,
      conversationId,
      at,
      { ...details, ...actor(actorId) },
      () => this.s.setVisibility.get(visibility, tenantId, conversationId)!,
    );
  }

  override async updateDisappearing(
    tenantId: TenantId,
    conversationId: ConversationId,
    seconds: number | null,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    const details = { attribute: 'DISAPPEARING' as const, value: String(seconds ?? 0) };
    return this.recordChangeTx(
      tenantId,
      conversationId,
      at,
      { ...details, ...actor(actorId) },
      () => this.s.setDisappearing.get(seconds, tenantId, conversationId)!,
    );
  }

  override async updateDescription(
    tenantId: TenantId,
    conversationId: ConversationId,
    description: string,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    const details = { attribute: 'DESCRIPTION' as const, value: description, ...actor(actorId) };
    return this.recordChangeTx(tenantId, conversationId, at, details, () =>
      this.s.setDescription.get(description === '' ? null : description, tenantId, conversationId)!,
    );
  }

  override async updateMentionAll(
    tenantId: TenantId,
    conversationId: ConversationId,
    policy: MentionAllPolicy,
    at: Date,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    return this.recordChangeTx(tenantId, conversationId, at, {}, () =>
      this.s.setMentionAll.get(policy, tenantId, conversationId)!,
    );
  }

  override async updateTitle(
    tenantId: TenantId,
    conversationId: ConversationId,
    title: string,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null> {
    const details = { attribute: 'TITLE' as const, value: title, ...actor(actorId) };
    return this.recordChangeTx(tenantId, conversationId, at, details, () =>
      mapConstraintErrors('channel name', () =>
        this.s.setTitle.get(
          title,
          foldTitle(title),
          channelNameKey(title),
          tenantId,
          conversationId,
        )!,
      ),
    );
  }

  override async advanceRead(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    seq: number,
  ): Promise<Member | null> {
    const row = this.s.advanceRead.get(seq, tenantId, conversationId, userId);
    return row ? toMember(row) : null;
  }

  override async advanceDelivered(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    seq: number,
  ): Promise<Member | null> {
    const row = this.s.advanceDelivered.get(seq, tenantId, conversationId, userId);
    return row ? toMember(row) : null;
  }

  override async countDelivered(
    tenantId: TenantId,
    conversationId: ConversationId,
    seq: number,
    excludeUserId: UserId,
  ): Promise<number> {
    return this.s.countDelivered.get(tenantId, conversationId, seq, seq, excludeUserId)!.n;
  }

  override async countReaders(
    tenantId: TenantId,
    conversationId: ConversationId,
    seq: number,
    excludeUserId: UserId,
  ): Promise<number> {
    return this.s.countReaders.get(tenantId, conversationId, seq, excludeUserId)!.n;
  }

  override async listNotices(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    limit: number,
  ): Promise<NoticeEvent[]> {
    return this.s.notices
      .all(tenantId, conversationId, afterSeq, limit)
      .map((row) => toLoggedEvent(row) as NoticeEvent);
  }

  override async listEvents(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    limit: number,
  ): Promise<LoggedEvent[]> {
    return this.s.events.all(tenantId, conversationId, afterSeq, limit).map(toLoggedEvent);
  }

  /**
   * Nothing to void here: a seq is taken and its entry recorded in one transaction (also across
   * processes sharing the file), so a seq up to lastSeq without an entry can never get one.
   */
  override async settleSeqs(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    upToSeq: number,
  ): Promise<SettledSeqs> {
    const upTo = Math.min(upToSeq, this.s.lastSeq.get(tenantId, conversationId)?.last_seq ?? 0);
    if (upTo <= afterSeq) return { entries: [], pending: [] };
    const entries = this.s.events
      .all(tenantId, conversationId, afterSeq, upTo - afterSeq)
      .filter((e) => e.seq <= upTo)
      .map(toLoggedEvent);
    return { entries, pending: [] };
  }
}

const MEMBER_AS_M = `m.user_id AS m_user_id, m.role AS m_role, m.joined_at AS m_joined_at,
  m.history_from_seq AS m_history_from_seq, m.read_seq AS m_read_seq,
  m.delivered_seq AS m_delivered_seq, m.muted AS m_muted, m.pinned AS m_pinned, m.archived AS m_archived`;

/** Moves one pointer column forward, clamped to the conversation's lastSeq, in one statement. */
const advance = (
  column: 'read_seq' | 'delivered_seq',
) => `UPDATE members SET ${column} = max(${column}, min(?,
    (SELECT c.last_seq FROM conversations c WHERE c.tenant_id = members.tenant_id AND c.id = members.conversation_id)))
  WHERE tenant_id = ? AND conversation_id = ? AND user_id = ? RETURNING *`;

function prepareStatements(db: Database) {
  const channels = (matching: boolean, next: boolean) => `SELECT * FROM conversations
    WHERE tenant_id = ? AND kind = 'CHANNEL'
    ${matching ? 'AND instr(title_folded, ?) > 0' : ''}
    ${next ? 'AND (title, id) > (?, ?)' : ''}
    ORDER BY title, id LIMIT ?`;
  const forUser = (next: boolean) => `SELECT c.*, ${MEMBER_AS_M}
    FROM members m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
    WHERE m.tenant_id = ? AND m.user_id = ?
    ${next ? 'AND (c.last_activity_at < ? OR (c.last_activity_at = ? AND c.id > ?))' : ''}
    ORDER BY c.last_activity_at DESC, c.id LIMIT ?`;
  const members = (
    next: boolean,
  ) => `SELECT * FROM members WHERE tenant_id = ? AND conversation_id = ?
    ${next ? 'AND (joined_at, user_id) > (?, ?)' : ''} ORDER BY joined_at, user_id LIMIT ?`;

  return {
    insertConversation: db.prepare<
      [ConversationRow]
    >(`INSERT INTO conversations (tenant_id, id, kind, title,
        title_folded, unique_key, last_seq, last_message_id, last_activity_at, member_count, history_visibility,
        mention_all, description, disappear_after_seconds, channel_name_key, created_by, created_at)
      VALUES (@tenant_id, @id, @kind, @title, @title_folded, @unique_key, @last_seq, @last_message_id,
        @last_activity_at, @member_count, @history_visibility, @mention_all, @description,
        @disappear_after_seconds, @channel_name_key, @created_by, @created_at)`),
    insertMember: db.prepare<
      [MemberInsert]
    >(`INSERT INTO members (tenant_id, conversation_id, user_id, role, joined_at)
      VALUES (@tenant_id, @conversation_id, @user_id, @role, @joined_at) ON CONFLICT DO NOTHING`),
    startHistory: db.prepare<[number, string, string, string], MemberRow>(`UPDATE members SET
        history_from_seq = CASE WHEN (SELECT c.history_visibility FROM conversations c
          WHERE c.tenant_id = members.tenant_id AND c.id = members.conversation_id) = 'SINCE_JOINED' THEN ? ELSE 0 END
      WHERE tenant_id = ? AND conversation_id = ? AND user_id = ? RETURNING *`),
    adjustMemberCount: db.prepare<[number, string, string]>(
      'UPDATE conversations SET member_count = member_count + ? WHERE tenant_id = ? AND id = ?',
    ),
    exists: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM conversations WHERE tenant_id = ? AND id = ?',
    ),
    byId: db.prepare<[string, string], ConversationRow>(
      'SELECT * FROM conversations WHERE tenant_id = ? AND id = ?',
    ),
    byIds: db.prepare<[string, string], ConversationRow>(
      'SELECT * FROM conversations WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))',
    ),
    byUniqueKey: db.prepare<[string, string], ConversationRow>(
      'SELECT * FROM conversations WHERE tenant_id = ? AND unique_key = ?',
    ),
    forUserFirst: db.prepare<[string, string, number], ConversationMemberRow>(forUser(false)),
    forUserNext: db.prepare<
      [string, string, number, number, string, number],
      ConversationMemberRow
    >(forUser(true)),
    channelsFirst: db.prepare<[string, number], ConversationRow>(channels(false, false)),
    channelsNext: db.prepare<[string, string, string, number], ConversationRow>(
      channels(false, true),
    ),
    channelsMatchingFirst: db.prepare<[string, string, number], ConversationRow>(
      channels(true, false),
    ),
    channelsMatchingNext: db.prepare<[string, string, string, string, number], ConversationRow>(
      channels(true, true),
    ),
    memberConversationIds: db
      .prepare<[string, string, number], string>(
        'SELECT conversation_id FROM members WHERE tenant_id = ? AND user_id = ? LIMIT ?',
      )
      .pluck(),
    // Most recently active first, so a limit keeps the conversations that matter most.
    idsForUser: db.prepare<[string, string, number], { id: string }>(`SELECT c.id FROM members m
      JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
      WHERE m.tenant_id = ? AND m.user_id = ? ORDER BY c.last_activity_at DESC LIMIT ?`),
    // CROSS JOIN pins the join order: start from the user's memberships, never scan the tenant.
    peers: db.prepare<
      [string, string, string, number],
      { user_id: string }
    >(`SELECT DISTINCT other.user_id
      FROM members mine
      CROSS JOIN conversations c ON c.tenant_id = mine.tenant_id AND c.id = mine.conversation_id
      CROSS JOIN members other ON other.tenant_id = mine.tenant_id AND other.conversation_id = mine.conversation_id
      WHERE mine.tenant_id = ? AND mine.user_id = ? AND c.kind IN ('DIRECT', 'GROUP') AND other.user_id <> ?
      LIMIT ?`),
    member: db.prepare<[string, string, string], MemberRow>(
      'SELECT * FROM members WHERE tenant_id = ? AND conversation_id = ? AND user_id = ?',
    ),
    membersFirst: db.prepare<[string, string, number], MemberRow>(members(false)),
    membersNext: db.prepare<[string, string, number, string, number], MemberRow>(members(true)),
    countRole: db.prepare<[string, string, MemberRole], { n: number }>(
      'SELECT count(*) AS n FROM members WHERE tenant_id = ? AND conversation_id = ? AND role = ?',
    ),
    deleteMember: db.prepare<[string, string, string], MemberRow>(
      'DELETE FROM members WHERE tenant_id = ? AND conversation_id = ? AND user_id = ? RETURNING *',
    ),
    formerMember: db.prepare<[string, string, string], FormerMemberRow>(
      'SELECT * FROM former_members WHERE tenant_id = ? AND conversation_id = ? AND user_id = ?',
    ),
    upsertFormerMember: db.prepare<[FormerMemberRow]>(`INSERT INTO former_members
        (tenant_id, conversation_id, user_id, periods, change, actor_id, exited_at)
      VALUES (@tenant_id, @conversation_id, @user_id, @periods, @change, @actor_id, @exited_at)
      ON CONFLICT (tenant_id, conversation_id, user_id) DO UPDATE SET periods = excluded.periods,
        change = excluded.change, actor_id = excluded.actor_id, exited_at = excluded.exited_at`),
    formerIdsForUser: db.prepare<[string, string, number], { conversation_id: string }>(
      `SELECT f.conversation_id FROM former_members f
      WHERE f.tenant_id = ? AND f.user_id = ? AND NOT EXISTS (SELECT 1 FROM members m
        WHERE m.tenant_id = f.tenant_id AND m.conversation_id = f.conversation_id AND m.user_id = f.user_id)
      ORDER BY f.exited_at DESC LIMIT ?`,
    ),
    setRole: db.prepare<[MemberRole, string, string, string], MemberRow>(
      'UPDATE members SET role = ? WHERE tenant_id = ? AND conversation_id = ? AND user_id = ? RETURNING *',
    ),
    settings: db.prepare<[SettingsPatchRow], MemberRow>(`UPDATE members SET
        muted = CASE WHEN @set_muted THEN @muted ELSE muted END,
        pinned = CASE WHEN @set_pinned THEN @pinned ELSE pinned END,
        archived = CASE WHEN @set_archived THEN @archived ELSE archived END
      WHERE tenant_id = @tenant_id AND conversation_id = @conversation_id AND user_id = @user_id RETURNING *`),
    setDisappearing: db.prepare<[number | null, string, string], ConversationRow>(
      'UPDATE conversations SET disappear_after_seconds = ? WHERE tenant_id = ? AND id = ? RETURNING *',
    ),
    setVisibility: db.prepare<[HistoryVisibility, string, string], ConversationRow>(
      'UPDATE conversations SET history_visibility = ? WHERE tenant_id = ? AND id = ? RETURNING *',
    ),
    setMentionAll: db.prepare<[MentionAllPolicy, string, string], ConversationRow>(
      'UPDATE conversations SET mention_all = ? WHERE tenant_id = ? AND id = ? RETURNING *',
    ),
    setTitle: db.prepare<[string, string | null, string, string, string], ConversationRow>(
      `UPDATE conversations SET title = ?, title_folded = ?,
        channel_name_key = CASE WHEN kind = 'CHANNEL' THEN ? END
      WHERE tenant_id = ? AND id = ? RETURNING *`,
    ),
    setDescription: db.prepare<[string | null, string, string], ConversationRow>(
      'UPDATE conversations SET description = ? WHERE tenant_id = ? AND id = ? RETURNING *',
    ),
    advanceRead: db.prepare<[number, string, string, string], MemberRow>(advance('read_seq')),
    advanceDelivered: db.prepare<[number, string, string, string], MemberRow>(
      advance('delivered_seq'),
    ),
    countDelivered: db.prepare<
      [string, string, number, number, string],
      { n: number }
    >(`SELECT count(*) AS n FROM members
      WHERE tenant_id = ? AND conversation_id = ? AND (delivered_seq >= ? OR read_seq >= ?)
        AND user_id <> ?`),
    countReaders: db.prepare<
      [string, string, number, string],
      { n: number }
    >(`SELECT count(*) AS n FROM members
      WHERE tenant_id = ? AND conversation_id = ? AND read_seq >= ? AND user_id <> ?`),
    lastSeq: db.prepare<[string, string], { last_seq: number }>(
      'SELECT last_seq FROM conversations WHERE tenant_id = ? AND id = ?',
    ),
    events: db.prepare<[string, string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS}
      FROM events WHERE tenant_id = ? AND conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
    notices: db.prepare<[string, string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS}
      FROM events INDEXED BY events_notices
      WHERE tenant_id = ? AND conversation_id = ? AND seq > ?
        AND kind IN ('MEMBERSHIP_CHANGED', 'CONVERSATION_CHANGED')
      ORDER BY seq LIMIT ?`),
  };
}
