import type { Database } from 'better-sqlite3';
import {
  MessageId,
  Poll,
  PollChange,
  PollOption,
  PollRepository,
  PollResults,
  TenantId,
  UserId,
} from '@chatter/core';
import { ConversationLog } from './conversation-log';

interface PollRow {
  tenant_id: string;
  message_id: string;
  conversation_id: string;
  creator_id: string;
  question: string;
  options: string;
  multiple_choice: number;
  anonymous: number;
  created_at: number;
  closed_at: number | null;
}

const toPoll = (r: PollRow): Poll => ({
  tenantId: r.tenant_id,
  messageId: r.message_id,
  conversationId: r.conversation_id,
  creatorId: r.creator_id,
  question: r.question,
  options: JSON.parse(r.options) as PollOption[],
  multipleChoice: r.multiple_choice === 1,
  anonymous: r.anonymous === 1,
  createdAt: new Date(r.created_at),
  closedAt: r.closed_at === null ? null : new Date(r.closed_at),
});

/** Polls over SQLite: a vote, its closed check and its log entry share one write transaction. */
export class SqlitePollRepository extends PollRepository {
  private readonly createTx: (poll: Poll) => Poll;
  private readonly voteTx: (
    t: string,
    id: string,
    u: string,
    optionIds: readonly string[],
    at: Date,
  ) => PollChange;
  private readonly closeTx: (t: string, id: string, at: Date) => PollChange;
  private readonly s;

  constructor(db: Database, log: ConversationLog) {
    super();
    const s = (this.s = {
      insert:
        db.prepare(`INSERT OR IGNORE INTO polls (tenant_id, message_id, conversation_id, creator_id,
        question, options, multiple_choice, anonymous, created_at, closed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`),
      byId: db.prepare<[string, string], PollRow>(
        'SELECT * FROM polls WHERE tenant_id = ? AND message_id = ?',
      ),
      byIds: db.prepare<[string, string], PollRow>(
        'SELECT * FROM polls WHERE tenant_id = ? AND message_id IN (SELECT value FROM json_each(?))',
      ),
      liveMessage: db.prepare<[string, string], { id: string }>(
        'SELECT id FROM messages WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
      ),
      myVotes: db.prepare<[string, string, string], { option_id: string }>(
        'SELECT option_id FROM poll_votes WHERE tenant_id = ? AND message_id = ? AND user_id = ?',
      ),
      clearVotes: db.prepare(
        'DELETE FROM poll_votes WHERE tenant_id = ? AND message_id = ? AND user_id = ?',
      ),
      insertVote: db.prepare(
        'INSERT INTO poll_votes (tenant_id, message_id, user_id, option_id, at) VALUES (?, ?, ?, ?, ?)',
      ),
      close: db.prepare(
        'UPDATE polls SET closed_at = ? WHERE tenant_id = ? AND message_id = ? AND closed_at IS NULL',
      ),
      counts: db.prepare<[string, string], { message_id: string; option_id: string; n: number }>(
        `SELECT message_id, option_id, COUNT(*) AS n FROM poll_votes
          WHERE tenant_id = ? AND message_id IN (SELECT value FROM json_each(?))
          GROUP BY message_id, option_id`,
      ),
      totals: db.prepare<[string, string], { message_id: string; n: number }>(
        `SELECT message_id, COUNT(DISTINCT user_id) AS n FROM poll_votes
          WHERE tenant_id = ? AND message_id IN (SELECT value FROM json_each(?))
          GROUP BY message_id`,
      ),
      mine: db.prepare<[string, string, string], { message_id: string; option_id: string }>(
        `SELECT message_id, option_id FROM poll_votes
          WHERE tenant_id = ? AND message_id IN (SELECT value FROM json_each(?)) AND user_id = ?`,
      ),
      voters: db.prepare<[string, string, string, number], { user_id: string }>(
        `SELECT user_id FROM poll_votes WHERE tenant_id = ? AND message_id = ? AND option_id = ?
          ORDER BY at, user_id LIMIT ?`,
      ),
    });
    this.createTx = db.transaction((poll: Poll): Poll => {
      s.insert.run(
        poll.tenantId,
        poll.messageId,
        poll.conversationId,
        poll.creatorId,
        poll.question,
        JSON.stringify(poll.options),
        poll.multipleChoice ? 1 : 0,
        poll.anonymous ? 1 : 0,
        poll.createdAt.getTime(),
      );
      return toPoll(s.byId.get(poll.tenantId, poll.messageId)!);
    }).immediate;
    this.voteTx = db.transaction(
      (t: string, id: string, u: string, optionIds: readonly string[], at: Date): PollChange => {
        const row = s.byId.get(t, id);
        if (!row || !s.liveMessage.get(t, id)) return { kind: 'ABSENT' };
        if (row.closed_at !== null) return { kind: 'CLOSED' };
        const before = s.myVotes
          .all(t, id, u)
          .map((v) => v.option_id)
          .sort();
        const after = [...optionIds].sort();
        if (before.length === after.length && before.every((o, i) => o === after[i]))
          return { kind: 'UNCHANGED' };
        s.clearVotes.run(t, id, u);
        for (const option of after) s.insertVote.run(t, id, u, option, at.getTime());
        const event = log.record(
          t,
          row.conversation_id,
          { kind: 'MESSAGE_UPDATED', messageId: id },
          at,
        );
        return event ? { kind: 'CHANGED', event } : { kind: 'ABSENT' };
      },
    ).immediate;
    this.closeTx = db.transaction((t: string, id: string, at: Date): PollChange => {
      const row = s.byId.get(t, id);
      if (!row || !s.liveMessage.get(t, id)) return { kind: 'ABSENT' };
      if (s.close.run(at.getTime(), t, id).changes === 0) return { kind: 'UNCHANGED' };
      const event = log.record(
        t,
        row.conversation_id,
        { kind: 'MESSAGE_UPDATED', messageId: id },
        at,
      );
      return event ? { kind: 'CHANGED', event } : { kind: 'ABSENT' };
    }).immediate;
  }

  override async create(poll: Poll): Promise<Poll> {
    return this.createTx(poll);
  }

  override async findByMessageIds(tenantId: TenantId, ids: readonly MessageId[]): Promise<Poll[]> {
    if (ids.length === 0) return [];
    return this.s.byIds.all(tenantId, JSON.stringify(ids)).map(toPoll);
  }

  override async vote(
    tenantId: TenantId,
    messageId: MessageId,
    userId: UserId,
    optionIds: readonly string[],
    at: Date,
  ): Promise<PollChange> {
    return this.voteTx(tenantId, messageId, userId, optionIds, at);
  }

  override async close(tenantId: TenantId, messageId: MessageId, at: Date): Promise<PollChange> {
    return this.closeTx(tenantId, messageId, at);
  }

  override async results(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
    viewerId: UserId,
    votersPerOption: number,
  ): Promise<PollResults[]> {
    const polls = await this.findByMessageIds(tenantId, messageIds);
    if (polls.length === 0) return [];
    const ids = JSON.stringify(polls.map((p) => p.messageId));
    const counts = this.s.counts.all(tenantId, ids);
    const totals = new Map(this.s.totals.all(tenantId, ids).map((r) => [r.message_id, r.n]));
    const mine = this.s.mine.all(tenantId, ids, viewerId);
    return polls.map((poll) => {
      const result: PollResults = {
        messageId: poll.messageId,
        counts: Object.fromEntries(poll.options.map((o) => [o.id, 0])),
        voters: Object.fromEntries(poll.options.map((o) => [o.id, [] as UserId[]])),
        totalVoters: totals.get(poll.messageId) ?? 0,
        myVotes: mine
          .filter((m) => m.message_id === poll.messageId)
          .map((m) => m.option_id)
          .sort((a, b) => Number(a) - Number(b)),
      };
      for (const c of counts) if (c.message_id === poll.messageId) result.counts[c.option_id] = c.n;
      if (!poll.anonymous && votersPerOption > 0) {
        for (const o of poll.options) {
          if (result.counts[o.id] === 0) continue;
          result.voters[o.id] = this.s.voters
            .all(tenantId, poll.messageId, o.id, votersPerOption)
            .map((v) => v.user_id);
        }
      }
      return result;
    });
  }
}
