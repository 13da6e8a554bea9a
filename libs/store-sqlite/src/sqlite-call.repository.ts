import type { Database } from 'better-sqlite3';
import {
  Call,
  CallEndReason,
  CallMedia,
  CallRepository,
  CallState,
  TenantId,
  UserId,
} from '@chatter/core';
import { fromMs, fromMsOrNull } from './time';

interface CallRow {
  tenant_id: string;
  id: string;
  conversation_id: string;
  caller_id: string;
  callee_id: string;
  caller_session_id: string | null;
  callee_session_id: string | null;
  media: string;
  offer_sdp: string;
  state: string;
  created_at: number;
  expires_at: number;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
}

const toCall = (r: CallRow): Call => ({
  id: r.id,
  tenantId: r.tenant_id,
  conversationId: r.conversation_id,
  callerId: r.caller_id,
  calleeId: r.callee_id,
  callerSessionId: r.caller_session_id,
  calleeSessionId: r.callee_session_id,
  media: r.media as CallMedia,
  offerSdp: r.offer_sdp,
  state: r.state as CallState,
  createdAt: fromMs(r.created_at),
  expiresAt: fromMs(r.expires_at),
  answeredAt: fromMsOrNull(r.answered_at),
  endedAt: fromMsOrNull(r.ended_at),
  endReason: r.end_reason as CallEndReason | null,
});

/** Call state in SQLite: each transition is one conditional UPDATE (a compare-and-set). */
export class SqliteCallRepository extends CallRepository {
  constructor(private readonly db: Database) {
    super();
  }

  override async create(c: Call): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO calls (tenant_id, id, conversation_id, caller_id, callee_id, caller_session_id,
           callee_session_id, media, offer_sdp, state, created_at, expires_at, answered_at, ended_at, end_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.tenantId,
        c.id,
        c.conversationId,
        c.callerId,
        c.calleeId,
        c.callerSessionId,
        c.calleeSessionId,
        c.media,
        c.offerSdp,
        c.state,
        c.createdAt.getTime(),
        c.expiresAt.getTime(),
        c.answeredAt?.getTime() ?? null,
        c.endedAt?.getTime() ?? null,
        c.endReason,
      );
  }

  override async findById(tenantId: TenantId, id: string): Promise<Call | null> {
    const row = this.db
      .prepare('SELECT * FROM calls WHERE tenant_id = ? AND id = ?')
      .get(tenantId, id) as CallRow | undefined;
    return row ? toCall(row) : null;
  }

  override async findLive(tenantId: TenantId, userId: UserId, now: Date): Promise<Call[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM calls WHERE tenant_id = ? AND state <> 'ENDED' AND (caller_id = ? OR callee_id = ?)
           AND (state = 'ACTIVE' OR expires_at > ?)
         ORDER BY created_at DESC LIMIT 20`,
      )
      .all(tenantId, userId, userId, now.getTime()) as CallRow[];
    return rows.map(toCall);
  }

  override async answer(
    tenantId: TenantId,
    id: string,
    calleeSessionId: string | null,
    at: Date,
  ): Promise<Call | null> {
    const row = this.db
      .prepare(
        `UPDATE calls SET state = 'ACTIVE', callee_session_id = ?, answered_at = ?
         WHERE tenant_id = ? AND id = ? AND state = 'RINGING' AND expires_at > ? RETURNING *`,
      )
      .get(calleeSessionId, at.getTime(), tenantId, id, at.getTime()) as CallRow | undefined;
    return row ? toCall(row) : null;
  }

  override async end(
    tenantId: TenantId,
    id: string,
    from: readonly ('RINGING' | 'ACTIVE')[],
    reason: CallEndReason,
    at: Date,
  ): Promise<Call | null> {
    if (from.length === 0) return null;
    const row = this.db
      .prepare(
        `UPDATE calls SET state = 'ENDED', ended_at = ?, end_reason = ?
         WHERE tenant_id = ? AND id = ? AND state IN (SELECT value FROM json_each(?)) RETURNING *`,
      )
      .get(at.getTime(), reason, tenantId, id, JSON.stringify(from)) as CallRow | undefined;
    return row ? toCall(row) : null;
  }

  override async listExpired(now: Date, limit: number): Promise<Call[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM calls WHERE state = 'RINGING' AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
      )
      .all(now.getTime(), limit) as CallRow[];
    return rows.map(toCall);
  }

  override async listActive(afterId: string | null, limit: number): Promise<Call[]> {
    const rows = this.db
      .prepare(`SELECT * FROM calls WHERE state = 'ACTIVE' AND id > ? ORDER BY id LIMIT ?`)
      .all(afterId ?? '', limit) as CallRow[];
    return rows.map(toCall);
  }
}
