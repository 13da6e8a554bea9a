import type { Database, Statement } from 'better-sqlite3';
import { ScheduledMessage, ScheduledMessageRepository, ScheduledMessageState } from '@chatter/core';
import { fromMs, fromMsOrNull } from './time';

interface ScheduledRow {
  tenant_id: string;
  id: string;
  conversation_id: string;
  sender_id: string;
  client_message_id: string;
  body: string;
  send_at: number;
  state: ScheduledMessageState;
  failure: string | null;
  claimed_until: number | null;
  created_at: number;
  updated_at: number;
}

const toScheduled = (r: ScheduledRow): ScheduledMessage => ({
  id: r.id,
  tenantId: r.tenant_id,
  conversationId: r.conversation_id,
  senderId: r.sender_id,
  clientMessageId: r.client_message_id,
  body: r.body,
  sendAt: fromMs(r.send_at),
  state: r.state,
  failure: r.failure,
  claimedUntil: fromMsOrNull(r.claimed_until),
  createdAt: fromMs(r.created_at),
  updatedAt: fromMs(r.updated_at),
});

const lim = (n: number) => Math.max(0, Math.trunc(n));

export class SqliteScheduledMessageRepository extends ScheduledMessageRepository {
  private readonly insert: Statement<[ScheduledRow]>;
  private readonly byKey: Statement<[string, string, string], ScheduledRow>;
  private readonly byId: Statement<[string, string], ScheduledRow>;
  private readonly bySender: Statement<[string, string, number], ScheduledRow>;
  private readonly bySenderIn: Statement<[string, string, string, number], ScheduledRow>;
  private readonly pending: Statement<[string, string], { n: number }>;
  private readonly updateOne: Statement<
    [string | null, number | null, number, string, string, string],
    ScheduledRow
  >;
  private readonly cancelOne: Statement<[string, string, string]>;
  private readonly dueRows: Statement<[number, number, number], { tenant_id: string; id: string }>;
  private readonly claimOne: Statement<
    [number, number, string, string, number, number],
    ScheduledRow
  >;
  private readonly deleteOne: Statement<[string, string]>;
  private readonly failOne: Statement<[string, number, string, string]>;
  private readonly releaseOne: Statement<[string, string]>;
  private readonly createTx: (row: ScheduledRow) => { row: ScheduledRow; created: boolean };
  private readonly claimTx: (now: number, lease: number, limit: number) => ScheduledRow[];

  constructor(db: Database) {
    super();
    this.insert = db.prepare(
      `INSERT INTO scheduled_messages (tenant_id, id, conversation_id, sender_id, client_message_id, body, send_at, state, failure, claimed_until, created_at, updated_at)
       VALUES (@tenant_id, @id, @conversation_id, @sender_id, @client_message_id, @body, @send_at, @state, @failure, @claimed_until, @created_at, @updated_at)`,
    );
    this.byKey = db.prepare(
      'SELECT * FROM scheduled_messages WHERE tenant_id = ? AND sender_id = ? AND client_message_id = ?',
    );
    this.byId = db.prepare('SELECT * FROM scheduled_messages WHERE tenant_id = ? AND id = ?');
    this.bySender = db.prepare(
      'SELECT * FROM scheduled_messages WHERE tenant_id = ? AND sender_id = ? ORDER BY send_at, id LIMIT ?',
    );
    this.bySenderIn = db.prepare(
      'SELECT * FROM scheduled_messages WHERE tenant_id = ? AND sender_id = ? AND conversation_id = ? ORDER BY send_at, id LIMIT ?',
    );
    this.pending = db.prepare(
      "SELECT count(*) AS n FROM scheduled_messages WHERE tenant_id = ? AND sender_id = ? AND state IN ('PENDING', 'SENDING')",
    );
    this.updateOne = db.prepare(
      `UPDATE scheduled_messages SET body = coalesce(?, body), send_at = coalesce(?, send_at), updated_at = ?
       WHERE tenant_id = ? AND id = ? AND sender_id = ? AND state = 'PENDING' RETURNING *`,
    );
    this.cancelOne = db.prepare(
      "DELETE FROM scheduled_messages WHERE tenant_id = ? AND id = ? AND sender_id = ? AND state IN ('PENDING', 'FAILED')",
    );
    this.dueRows = db.prepare(
      `SELECT tenant_id, id FROM (
         SELECT tenant_id, id, send_at AS due FROM scheduled_messages WHERE state = 'PENDING' AND send_at <= ?
         UNION ALL
         SELECT tenant_id, id, claimed_until AS due FROM scheduled_messages WHERE state = 'SENDING' AND claimed_until <= ?
       ) ORDER BY due LIMIT ?`,
    );
    this.claimOne = db.prepare(
      `UPDATE scheduled_messages SET state = 'SENDING', claimed_until = ?, updated_at = ?
       WHERE tenant_id = ? AND id = ?
         AND ((state = 'PENDING' AND send_at <= ?) OR (state = 'SENDING' AND claimed_until <= ?))
       RETURNING *`,
    );
    this.deleteOne = db.prepare('DELETE FROM scheduled_messages WHERE tenant_id = ? AND id = ?');
    this.failOne = db.prepare(
      `UPDATE scheduled_messages SET state = 'FAILED', failure = ?, claimed_until = NULL, updated_at = ?
       WHERE tenant_id = ? AND id = ? AND state = 'SENDING'`,
    );
    this.releaseOne = db.prepare(
      `UPDATE scheduled_messages SET state = 'PENDING', claimed_until = NULL
       WHERE tenant_id = ? AND id = ? AND state = 'SENDING'`,
    );
    this.createTx = db.transaction((row: ScheduledRow) => {
      const existing = this.byKey.get(row.tenant_id, row.sender_id, row.client_message_id);
      if (existing) return { row: existing, created: false };
      this.insert.run(row);
      return { row, created: true };
    });
    // One immediate transaction: another connection (process) waits for it, so a row is
    // claimed by one of them.
    const claim = db.transaction((now: number, lease: number, limit: number) =>
      this.dueRows.all(now, now, limit).flatMap(({ tenant_id, id }) => {
        const row = this.claimOne.get(lease, now, tenant_id, id, now, now);
        return row ? [row] : [];
      }),
    );
    this.claimTx = (now, lease, limit) => claim.immediate(now, lease, limit);
  }

  override async create(
    s: ScheduledMessage,
  ): Promise<{ scheduled: ScheduledMessage; created: boolean }> {
    const { row, created } = this.createTx({
      tenant_id: s.tenantId,
      id: s.id,
      conversation_id: s.conversationId,
      sender_id: s.senderId,
      client_message_id: s.clientMessageId,
      body: s.body,
      send_at: s.sendAt.getTime(),
      state: s.state,
      failure: s.failure,
      claimed_until: s.claimedUntil ? s.claimedUntil.getTime() : null,
      created_at: s.createdAt.getTime(),
      updated_at: s.updatedAt.getTime(),
    });
    return { scheduled: toScheduled(row), created };
  }

  override async findById(tenantId: string, id: string): Promise<ScheduledMessage | null> {
    const row = this.byId.get(tenantId, id);
    return row ? toScheduled(row) : null;
  }

  override async listBySender(
    tenantId: string,
    senderId: string,
    conversationId: string | null,
    limit: number,
  ): Promise<ScheduledMessage[]> {
    const rows =
      conversationId === null
        ? this.bySender.all(tenantId, senderId, lim(limit))
        : this.bySenderIn.all(tenantId, senderId, conversationId, lim(limit));
    return rows.map(toScheduled);
  }

  override async countPending(tenantId: string, senderId: string): Promise<number> {
    return this.pending.get(tenantId, senderId)?.n ?? 0;
  }

  override async update(
    tenantId: string,
    id: string,
    senderId: string,
    change: { body?: string; sendAt?: Date },
    at: Date,
  ): Promise<ScheduledMessage | null> {
    const row = this.updateOne.get(
      change.body ?? null,
      change.sendAt ? change.sendAt.getTime() : null,
      at.getTime(),
      tenantId,
      id,
      senderId,
    );
    return row ? toScheduled(row) : null;
  }

  override async cancel(tenantId: string, id: string, senderId: string): Promise<boolean> {
    return this.cancelOne.run(tenantId, id, senderId).changes > 0;
  }

  override async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ScheduledMessage[]> {
    if (!(limit >= 1)) return [];
    return this.claimTx(now.getTime(), leaseUntil.getTime(), lim(limit)).map(toScheduled);
  }

  override async completeSent(tenantId: string, id: string): Promise<void> {
    this.deleteOne.run(tenantId, id);
  }

  override async markFailed(
    tenantId: string,
    id: string,
    failure: string,
    at: Date,
  ): Promise<void> {
    this.failOne.run(failure, at.getTime(), tenantId, id);
  }

  override async release(tenantId: string, id: string): Promise<void> {
    this.releaseOne.run(tenantId, id);
  }
}
