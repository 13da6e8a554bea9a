import type { Database, Statement } from 'better-sqlite3';
import {
  MAX_FILE_NAME_TERMS,
  MAX_THREAD_PARTICIPANTS,
  ThreadSummaryRow,
  ConversationId,
  DomainError,
  ExpiredMessageRef,
  LoggedEvent,
  MentionSet,
  Message,
  MessageId,
  MessageMutation,
  MessageRepository,
  NewMessage,
  ReactionSummary,
  SearchHit,
  SeqRange,
  TENANT_ID_PATTERN,
  TenantId,
  UserId,
  addedMentions,
  unionMentions,
} from '@chatter/core';
import { ConversationLog } from './conversation-log';
import { fileNameLikePatterns, toFtsQuery } from './fts-query';
import { MESSAGE_COLUMNS, MessageRow, fromNewMessage, toMessage } from './mappers/message.mapper';
import { mapConstraintErrors } from './sqlite-errors';
import { GroupCommit } from './group-commit';
import { SearchIndexQueue } from './search-index-queue';
import {
  createTenantSearchIndex,
  indexedTenants,
  searchTableOf,
  trigramTableOf,
} from './tenant-search-index';

type ReactionGroupRow = {
  message_id: string;
  emoji: string;
  count: number;
  mine: number;
  first_at: number;
  first_pk: number;
};
type SearchRow = MessageRow & { score: number };
type AppendResult = { message: Message; event: LoggedEvent | null; created: boolean };
type SearchStatement = Statement<(string | number)[], SearchRow>;
/** Prepared search statements kept, by SQL (per tenant and query shape). */
const MAX_SEARCH_STATEMENTS = 1000;

export class SqliteMessageRepository extends MessageRepository {
  private readonly s: ReturnType<typeof prepareStatements>;
  /** Tenants whose search index exists (created with a tenant's first message). */
  private readonly indexed: Set<string>;
  private readonly ensureIndexTx: (tenantId: string) => void;
  private readonly searchStatements = new Map<string, SearchStatement>();
  /** Sends that arrive together share one commit (see GroupCommit). */
  private readonly appends: GroupCommit<NewMessage, AppendResult>;
  private readonly editTx: (
    t: string,
    id: string,
    body: string,
    mentions: MentionSet,
    at: Date,
  ) => MessageMutation | null;
  private readonly tombstoneTx: (t: string, id: string, at: Date) => MessageMutation | null;
  private readonly addReactionTx: (
    t: string,
    id: string,
    u: string,
    emoji: string,
    at: Date,
  ) => MessageMutation | null;
  private readonly removeReactionTx: (
    t: string,
    id: string,
    u: string,
    emoji: string,
    at: Date,
  ) => MessageMutation | null;

  private readonly touchThreadTx: (t: string, rootId: string, at: Date) => MessageMutation | null;

  private readonly db: Database;
  /** Sent and edited bodies wait here for the search indexes (indexed in batches). */
  readonly searchQueue: SearchIndexQueue;
  private readonly deleteExpiredTx: (t: string, ids: readonly string[], now: number) => string[];

  constructor(db: Database, log: ConversationLog) {
    super();
    const s = (this.s = prepareStatements(db));
    this.indexed = indexedTenants(db);
    this.ensureIndexTx = db.transaction((tenantId: string) => {
      createTenantSearchIndex(db, tenantId);
    }).immediate;
    this.db = db;
    this.searchQueue = new SearchIndexQueue(db);
    const updated = (row: MessageRow, at: Date): LoggedEvent =>
      log.record(
        row.tenant_id,
        row.conversation_id,
        { kind: 'MESSAGE_UPDATED', messageId: row.id },
        at,
      )!;

    const appendTx = db.transaction((input: NewMessage): AppendResult => {
      // The idempotency check and the insert share one write transaction, so no duplicate can slip in between.
      const existing = s.byClientId.get(input.tenantId, input.senderId, input.clientMessageId);
      if (existing) return { message: toMessage(existing), event: null, created: false };
      const event = log.record(
        input.tenantId,
        input.conversationId,
        { kind: 'MESSAGE_ADDED', messageId: input.id },
        input.createdAt,
      );
      if (!event) throw new DomainError('NOT_FOUND', 'conversation not found');
      const row = fromNewMessage(input, event.seq);
      mapConstraintErrors('message', () => s.insert.run(row));
      // A thread reply is activity, but the conversation's last message stays a timeline one.
      if (row.thread_root_id === null)
        s.touchConversation.run(input.id, row.created_at, input.tenantId, input.conversationId);
      else s.touchActivity.run(row.created_at, input.tenantId, input.conversationId);
      return { message: toMessage(row), event, created: true };
    }).immediate;
    this.appends = new GroupCommit(db, appendTx, {
      committed: (results) => {
        if (results.some((r) => r.created)) this.searchQueue.schedule();
      },
    });

    this.editTx = db.transaction(
      (t: string, id: string, body: string, mentions: MentionSet, at: Date) => {
        const live = s.live.get(t, id);
        if (!live) return null;
        const event = updated(live, at);
        const before = s.mentionedEver.get(t, id)!;
        const ever: MentionSet = {
          userIds: JSON.parse(before.mentioned_ever) as string[],
          all: before.mentioned_all_ever === 1,
        };
        const everAfter = unionMentions(ever, mentions);
        const row = s.setBody.get(
          body,
          JSON.stringify(mentions.userIds),
          mentions.all ? 1 : 0,
          JSON.stringify(everAfter.userIds),
          everAfter.all ? 1 : 0,
          at.getTime(),
          t,
          id,
        )!;
        return { message: toMessage(row), event, addedMentions: addedMentions(ever, mentions) };
      },
    ).immediate;

    this.tombstoneTx = db.transaction((t: string, id: string, at: Date) => {
      const live = s.live.get(t, id);
      if (!live) return null;
      const event = updated(live, at);
      s.deleteReactions.run(t, id);
      return { message: toMessage(s.tombstone.get(at.getTime(), t, id)!), event };
    }).immediate;

    this.touchThreadTx = db.transaction((t: string, rootId: string, at: Date) => {
      const root = s.byId.get(t, rootId);
      return root ? { message: toMessage(root), event: updated(root, at) } : null;
    }).immediate;

    this.addReactionTx = db.transaction(
      (t: string, id: string, u: string, emoji: string, at: Date) => {
        const live = s.live.get(t, id);
        if (!live) return null;
        const inserted = mapConstraintErrors('reaction', () =>
          s.insertReaction.run(t, id, u, emoji, at.getTime()),
        );
        if (inserted.changes === 0) return null;
        return { message: toMessage(live), event: updated(live, at) };
      },
    ).immediate;

    // Reactions go by foreign key, search entries by trigger; attachments are expired by the caller.
    this.deleteExpiredTx = db.transaction((t: string, ids: readonly string[], now: number) =>
      ids.flatMap((id) => {
        const row = s.deleteExpired.get(t, id, now);
        return row ? [row.id] : [];
      }),
    ).immediate;

    this.removeReactionTx = db.transaction(
      (t: string, id: string, u: string, emoji: string, at: Date) => {
        const message = s.byId.get(t, id);
        if (!message || s.deleteReaction.run(t, id, emoji, u).changes === 0) return null;
        return { message: toMessage(message), event: updated(message, at) };
      },
    ).immediate;
  }

  override async append(input: NewMessage): Promise<AppendResult> {
    this.ensureSearchIndex(input.tenantId);
    return this.appends.submit(input);
  }

  override async findById(tenantId: TenantId, id: MessageId): Promise<Message | null> {
    const row = this.s.byId.get(tenantId, id);
    return row ? toMessage(row) : null;
  }

  override async findByIds(tenantId: TenantId, ids: readonly MessageId[]): Promise<Message[]> {
    if (ids.length === 0) return [];
    return this.s.byIds.all(tenantId, JSON.stringify(ids)).map(toMessage);
  }

  override async listBySeq(
    tenantId: TenantId,
    conversationId: ConversationId,
    range: SeqRange,
  ): Promise<Message[]> {
    const forward = range.direction === 'forward';
    const after = range.afterSeq ?? -1;
    const before = range.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    if (typeof range.threadRootId === 'string')
      return (forward ? this.s.threadForward : this.s.threadBackward)
        .all(tenantId, conversationId, range.threadRootId, after, before, range.limit)
        .map(toMessage);
    const statement =
      range.threadRootId === null
        ? forward
          ? this.s.timelineForward
          : this.s.timelineBackward
        : forward
          ? this.s.rangeForward
          : this.s.rangeBackward;
    return statement.all(tenantId, conversationId, after, before, range.limit).map(toMessage);
  }

  override async edit(
    tenantId: TenantId,
    id: MessageId,
    body: string,
    mentions: MentionSet,
    at: Date,
  ): Promise<MessageMutation | null> {
    const edited = this.editTx(tenantId, id, body, mentions, at);
    if (edited) this.searchQueue.schedule();
    return edited;
  }

  override async listLiveIdsBySender(
    tenantId: TenantId,
    senderId: UserId,
    limit: number,
  ): Promise<MessageId[]> {
    // The (tenant, sender, client id) index finds a sender's messages.
    return this.db
      .prepare<[string, string, number], { id: string }>(
        'SELECT id FROM messages WHERE tenant_id = ? AND sender_id = ? AND deleted_at IS NULL LIMIT ?',
      )
      .all(tenantId, senderId, Math.max(0, Math.trunc(limit)))
      .map((r) => r.id);
  }

  override async listLiveIdsCreatedBefore(
    tenantId: TenantId,
    before: Date,
    limit: number,
  ): Promise<MessageId[]> {
    // The partial (tenant, created_at) index of live messages (migration 30) finds the oldest.
    return this.db
      .prepare<[string, number, number], { id: string }>(
        'SELECT id FROM messages WHERE tenant_id = ? AND deleted_at IS NULL AND created_at < ? ORDER BY created_at, pk LIMIT ?',
      )
      .all(tenantId, before.getTime(), Math.max(0, Math.trunc(limit)))
      .map((r) => r.id);
  }

  override async tombstone(
    tenantId: TenantId,
    id: MessageId,
    at: Date,
  ): Promise<MessageMutation | null> {
    return this.tombstoneTx(tenantId, id, at);
  }

  override async addReaction(
    tenantId: TenantId,
    id: MessageId,
    userId: UserId,
    emoji: string,
    at: Date,
  ): Promise<MessageMutation | null> {
    return this.addReactionTx(tenantId, id, userId, emoji, at);
  }

  override async removeReaction(
    tenantId: TenantId,
    id: MessageId,
    userId: UserId,
    emoji: string,
    at: Date,
  ): Promise<MessageMutation | null> {
    return this.removeReactionTx(tenantId, id, userId, emoji, at);
  }

  override async reactions(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
    viewerId: UserId,
  ): Promise<ReactionSummary[]> {
    if (messageIds.length === 0) return [];
    const position = new Map(messageIds.map((id, i) => [id, i] as const));
    const rows = this.s.reactionGroups.all(viewerId, tenantId, JSON.stringify(messageIds));
    rows.sort(
      (a, b) =>
        position.get(a.message_id)! - position.get(b.message_id)! ||
        a.first_at - b.first_at ||
        a.first_pk - b.first_pk,
    );
    return rows.map((r) => ({
      messageId: r.message_id,
      emoji: r.emoji,
      count: r.count,
      mine: r.mine === 1,
    }));
  }

  override async listExpired(now: Date, limit: number): Promise<ExpiredMessageRef[]> {
    if (!(limit >= 1)) return [];
    return this.s.expired.all(now.getTime(), Math.trunc(limit)).map((r) => ({
      tenantId: r.tenant_id,
      conversationId: r.conversation_id,
      id: r.id,
      seq: r.seq,
    }));
  }

  override async deleteExpired(
    tenantId: TenantId,
    ids: readonly MessageId[],
    now: Date,
  ): Promise<MessageId[]> {
    return this.deleteExpiredTx(tenantId, ids, now.getTime());
  }

  override async touchThread(
    tenantId: TenantId,
    rootId: MessageId,
    at: Date,
  ): Promise<MessageMutation | null> {
    return this.touchThreadTx(tenantId, rootId, at);
  }

  override async threadSummaries(
    tenantId: TenantId,
    rootIds: readonly MessageId[],
  ): Promise<ThreadSummaryRow[]> {
    if (rootIds.length === 0) return [];
    // One grouped read for every root (most have no replies); participants only where replied.
    const groups = new Map(
      this.s.threadSummaries
        .all(tenantId, JSON.stringify(rootIds))
        .map((g) => [g.root_id, g] as const),
    );
    return rootIds.map((rootId) => {
      const g = groups.get(rootId);
      if (!g)
        return { rootId, replyCount: 0, lastReplyAt: null, lastReplySeq: 0, participantIds: [] };
      return {
        rootId,
        replyCount: g.n,
        lastReplyAt: new Date(g.last_at),
        lastReplySeq: g.last_seq,
        participantIds: this.s.threadParticipants
          .all(tenantId, rootId, MAX_THREAD_PARTICIPANTS)
          .map((r) => r.sender_id),
      };
    });
  }

  override async countThreadUnread(
    tenantId: TenantId,
    rootId: MessageId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number> {
    return this.s.countThreadUnread.get(tenantId, rootId, afterSeq, userId)!.n;
  }

  override async countUnread(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number> {
    return this.s.countUnread.get(tenantId, conversationId, afterSeq, userId)!.n;
  }

  override async countUnreadMentions(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number> {
    return this.s.countUnreadMentions.get(tenantId, conversationId, afterSeq, userId, userId)!.n;
  }

  override async search(
    tenantId: TenantId,
    userId: UserId,
    query: string,
    conversationId: ConversationId | null,
    offset: number,
    limit: number,
  ): Promise<SearchHit[]> {
    const match = toFtsQuery(query);
    if (match === null || limit <= 0 || !this.hasSearchIndex(tenantId)) return [];
    // Every body sent before the search is found by it.
    this.searchQueue.drain();
    const words = searchTableOf(tenantId);
    const trigrams = trigramTableOf(tenantId);
    // The best-ranked index leads (its bm25 orders the hits); the others filter.
    const lead = match.words !== null ? words : match.trigrams !== null ? trigrams : null;
    const params: (string | number)[] = [];
    const where: string[] = [];
    if (lead !== null) {
      where.push(`${lead} MATCH ?`);
      params.push(lead === words ? match.words! : match.trigrams!);
    }
    if (lead === words && match.trigrams !== null) {
      where.push(`m.pk IN (SELECT rowid FROM ${trigrams} WHERE ${trigrams} MATCH ?)`);
      params.push(match.trigrams);
    }
    // One or two characters of an unsegmented script: too short for trigrams, found in the body.
    for (const s of match.short) {
      where.push('instr(m.body, ?) > 0');
      params.push(s);
    }
    // Hits by an attachment's file name (every term of the query in the name) rank after text hits.
    const names = Array.from({ length: MAX_FILE_NAME_TERMS }, () => "a.name LIKE ? ESCAPE '\\'");
    params.push(...fileNameLikePatterns(query));
    // The index holds this tenant's rows only; the tenant test on the join is kept as a guard.
    const sql = `SELECT ${prefixed('m')}, min(hits.score) AS score
      FROM (
        SELECT m.pk AS pk, ${lead ? `bm25(${lead})` : '0'} AS score
          FROM ${lead ? `${lead} JOIN messages m ON m.pk = ${lead}.rowid` : 'messages m'}
          WHERE ${where.join(' AND ')} AND m.tenant_id = '${tenantId}'
        UNION ALL
        SELECT m2.pk, 0 AS score FROM attachments a
          JOIN messages m2 ON m2.tenant_id = a.tenant_id AND m2.id = a.message_id
          WHERE a.tenant_id = '${tenantId}' AND a.message_id IS NOT NULL AND ${names.join(' AND ')}
      ) hits JOIN messages m ON m.pk = hits.pk
      WHERE m.tenant_id = '${tenantId}' AND m.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM members mm
          WHERE mm.tenant_id = m.tenant_id AND mm.conversation_id = m.conversation_id AND mm.user_id = ?
            AND m.seq > mm.history_from_seq)
        ${conversationId === null ? '' : 'AND m.conversation_id = ?'}
      GROUP BY m.pk
      ORDER BY score, m.created_at DESC, m.pk DESC LIMIT ? OFFSET ?`;
    params.push(userId);
    if (conversationId !== null) params.push(conversationId);
    params.push(limit, offset);
    let statement = this.searchStatements.get(sql);
    if (!statement) {
      if (this.searchStatements.size >= MAX_SEARCH_STATEMENTS) this.searchStatements.clear();
      statement = this.db.prepare<(string | number)[], SearchRow>(sql);
      this.searchStatements.set(sql, statement);
    }
    const rows = statement.all(...params);
    // bm25() is lower-is-better; expose a higher-is-better rank.
    return rows.map((r) => ({ message: toMessage(r), rank: -r.score }));
  }

  /** Creates the tenant's search index before its first message (own transaction: DDL is kept once committed). */
  private ensureSearchIndex(tenantId: string): void {
    if (this.indexed.has(tenantId)) return;
    this.ensureIndexTx(tenantId);
    this.indexed.add(tenantId);
  }

  /** Whether the tenant has messages indexed (another connection to the file may have created it). */
  private hasSearchIndex(tenantId: string): boolean {
    if (this.indexed.has(tenantId)) return true;
    // Only slugs ever name an index (the id is written into its SQL).
    if (!TENANT_ID_PATTERN.test(tenantId) || !indexedTenants(this.db).has(tenantId)) return false;
    this.indexed.add(tenantId);
    return true;
  }
}

function prepareStatements(db: Database) {
  const range = (direction: 'ASC' | 'DESC', thread = '') =>
    db.prepare<
      [string, string, number, number, number],
      MessageRow
    >(`SELECT ${MESSAGE_COLUMNS} FROM messages
      WHERE tenant_id = ? AND conversation_id = ? AND seq > ? AND seq < ? ${thread}
      ORDER BY seq ${direction} LIMIT ?`);
  const threadRange = (direction: 'ASC' | 'DESC') =>
    db.prepare<
      [string, string, string, number, number, number],
      MessageRow
    >(`SELECT ${MESSAGE_COLUMNS} FROM messages
      WHERE tenant_id = ? AND conversation_id = ? AND thread_root_id = ? AND seq > ? AND seq < ?
      ORDER BY seq ${direction} LIMIT ?`);

  return {
    insert: db.prepare<[MessageRow]>(`INSERT INTO messages (${MESSAGE_COLUMNS},
        mentioned_ever, mentioned_all_ever)
      VALUES (@tenant_id, @id, @conversation_id, @seq, @sender_id, @client_message_id, @body, @reply_to_id,
        @mentions, @mentions_all, @call, @thread_root_id, @forwarded, @created_at, @edited_at, @deleted_at, @expires_at, @mentions, @mentions_all)`),
    touchActivity: db.prepare<[number, string, string]>(
      'UPDATE conversations SET last_activity_at = ? WHERE tenant_id = ? AND id = ?',
    ),
    touchConversation: db.prepare<[string, number, string, string]>(
      'UPDATE conversations SET last_message_id = ?, last_activity_at = ? WHERE tenant_id = ? AND id = ?',
    ),
    byClientId: db.prepare<[string, string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE tenant_id = ? AND sender_id = ? AND client_message_id = ?`,
    ),
    byId: db.prepare<[string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE tenant_id = ? AND id = ?`,
    ),
    live: db.prepare<[string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL`,
    ),
    byIds: db.prepare<[string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))`,
    ),
    rangeForward: range('ASC'),
    rangeBackward: range('DESC'),
    timelineForward: range('ASC', 'AND thread_root_id IS NULL'),
    timelineBackward: range('DESC', 'AND thread_root_id IS NULL'),
    threadForward: threadRange('ASC'),
    threadBackward: threadRange('DESC'),
    threadSummaries: db.prepare<
      [string, string],
      { root_id: string; n: number; last_at: number; last_seq: number }
    >(`SELECT thread_root_id AS root_id, count(*) AS n, max(created_at) AS last_at, max(seq) AS last_seq
      FROM messages WHERE tenant_id = ? AND thread_root_id IN (SELECT value FROM json_each(?))
        AND deleted_at IS NULL
      GROUP BY thread_root_id`),
    threadParticipants: db.prepare<[string, string, number], { sender_id: string }>(
      `SELECT sender_id FROM messages WHERE tenant_id = ? AND thread_root_id = ? AND deleted_at IS NULL
      GROUP BY sender_id ORDER BY min(seq) LIMIT ?`,
    ),
    countThreadUnread: db.prepare<[string, string, number, string], { n: number }>(
      `SELECT count(*) AS n FROM messages
      WHERE tenant_id = ? AND thread_root_id = ? AND seq > ? AND sender_id <> ? AND deleted_at IS NULL`,
    ),
    setBody: db.prepare<
      [string, string, number, string, number, number, string, string],
      MessageRow
    >(
      `UPDATE messages SET body = ?, mentions = ?, mentions_all = ?, mentioned_ever = ?,
        mentioned_all_ever = ?, edited_at = ? WHERE tenant_id = ? AND id = ? RETURNING ${MESSAGE_COLUMNS}`,
    ),
    mentionedEver: db.prepare<
      [string, string],
      { mentioned_ever: string; mentioned_all_ever: number }
    >('SELECT mentioned_ever, mentioned_all_ever FROM messages WHERE tenant_id = ? AND id = ?'),
    tombstone: db.prepare<[number, string, string], MessageRow>(
      `UPDATE messages SET body = NULL, deleted_at = ? WHERE tenant_id = ? AND id = ? RETURNING ${MESSAGE_COLUMNS}`,
    ),
    insertReaction: db.prepare<[string, string, string, string, number]>(`INSERT INTO reactions
      (tenant_id, message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    deleteReaction: db.prepare<[string, string, string, string]>(
      'DELETE FROM reactions WHERE tenant_id = ? AND message_id = ? AND emoji = ? AND user_id = ?',
    ),
    deleteReactions: db.prepare<[string, string]>(
      'DELETE FROM reactions WHERE tenant_id = ? AND message_id = ?',
    ),
    reactionGroups: db.prepare<
      [string, string, string],
      ReactionGroupRow
    >(`SELECT message_id, emoji,
        count(*) AS count, max(user_id = ?) AS mine, min(created_at) AS first_at, min(pk) AS first_pk
      FROM reactions WHERE tenant_id = ? AND message_id IN (SELECT value FROM json_each(?))
      GROUP BY message_id, emoji`),
    expired: db.prepare<
      [number, number],
      { tenant_id: string; conversation_id: string; id: string; seq: number }
    >(`SELECT tenant_id, conversation_id, id, seq FROM messages
      WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?`),
    deleteExpired: db.prepare<[string, string, number], { id: string }>(
      'DELETE FROM messages WHERE tenant_id = ? AND id = ? AND expires_at IS NOT NULL AND expires_at <= ? RETURNING id',
    ),
    countUnread: db.prepare<
      [string, string, number, string],
      { n: number }
    >(`SELECT count(*) AS n FROM messages
      WHERE tenant_id = ? AND conversation_id = ? AND seq > ? AND sender_id <> ? AND deleted_at IS NULL
        AND thread_root_id IS NULL`),
    countUnreadMentions: db.prepare<
      [string, string, number, string, string],
      { n: number }
    >(`SELECT count(*) AS n FROM messages
      WHERE tenant_id = ? AND conversation_id = ? AND seq > ? AND sender_id <> ? AND deleted_at IS NULL
        AND (mentions_all = 1 OR EXISTS (SELECT 1 FROM json_each(mentions) WHERE value = ?))`),
  };
}

const prefixed = (alias: string) =>
  MESSAGE_COLUMNS.split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');
