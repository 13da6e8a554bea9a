import type { Database, Statement } from 'better-sqlite3';
import {
  QueuedWebhookDelivery,
  TenantId,
  WebhookEventType,
  WebhookQueueRepository,
} from '@chatter/core';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from './time';

interface QueueRow {
  tenant_id: string;
  id: string;
  webhook_id: string;
  conversation_id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempt: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  status: string;
  created_at: number;
}

const toQueued = (r: QueueRow): QueuedWebhookDelivery => ({
  id: r.id,
  tenantId: r.tenant_id,
  webhookId: r.webhook_id,
  conversationId: r.conversation_id,
  eventId: r.event_id,
  eventType: r.event_type as WebhookEventType,
  body: r.body,
  attempt: r.attempt,
  nextAttemptAt: fromMs(r.next_attempt_at),
  leaseOwner: r.lease_owner,
  leaseUntil: fromMsOrNull(r.lease_until),
  status: r.status as QueuedWebhookDelivery['status'],
  createdAt: fromMs(r.created_at),
});

const byDue = (a: QueueRow, b: QueueRow) =>
  a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at || (a.id < b.id ? -1 : 1);

/** The webhook queue in SQLite: a claim is one UPDATE … RETURNING, so it is atomic. */
export class SqliteWebhookQueueRepository extends WebhookQueueRepository {
  private readonly insert: Statement;
  private readonly claim: Statement<
    [{ now: number; owner: string; until: number; limit: number }],
    QueueRow
  >;
  private readonly anyDue: Statement<[{ now: number }], { one: number }>;
  private readonly removeOne: Statement<[string, string, string]>;
  private readonly rescheduleOne: Statement<
    [{ t: string; id: string; owner: string; attempt: number; at: number }]
  >;
  private readonly deadOne: Statement<[string, string, string]>;
  private readonly byWebhook: Statement<[string, string, number], QueueRow>;
  private readonly pruneDeadBatch: Statement<[number, number]>;

  constructor(db: Database) {
    super();
    this.insert = db.prepare(`INSERT INTO webhook_queue (tenant_id, id, webhook_id, conversation_id,
        event_id, event_type, body, attempt, next_attempt_at, lease_owner, lease_until, status, created_at)
      VALUES (@tenant_id, @id, @webhook_id, @conversation_id, @event_id, @event_type, @body, @attempt,
        @next_attempt_at, @lease_owner, @lease_until, @status, @created_at)
      ON CONFLICT (tenant_id, id) DO NOTHING`);
    this.claim = db.prepare(`UPDATE webhook_queue SET lease_owner = @owner, lease_until = @until
      WHERE (tenant_id, id) IN (
        SELECT tenant_id, id FROM webhook_queue
        WHERE status = 'PENDING' AND next_attempt_at <= @now
          AND (lease_until IS NULL OR lease_until <= @now)
        ORDER BY next_attempt_at, created_at, id LIMIT @limit)
      RETURNING *`);
    // A read first: an idle poll takes no write lock.
    this.anyDue = db.prepare(`SELECT 1 AS one FROM webhook_queue
      WHERE status = 'PENDING' AND next_attempt_at <= @now
        AND (lease_until IS NULL OR lease_until <= @now) LIMIT 1`);
    this.removeOne = db.prepare(
      'DELETE FROM webhook_queue WHERE tenant_id = ? AND id = ? AND lease_owner = ?',
    );
    this.rescheduleOne = db.prepare(`UPDATE webhook_queue
      SET attempt = @attempt, next_attempt_at = @at, lease_owner = NULL, lease_until = NULL
      WHERE tenant_id = @t AND id = @id AND lease_owner = @owner AND status = 'PENDING'`);
    this.deadOne = db.prepare(`UPDATE webhook_queue
      SET status = 'DEAD', lease_owner = NULL, lease_until = NULL
      WHERE tenant_id = ? AND id = ? AND lease_owner = ? AND status = 'PENDING'`);
    this.pruneDeadBatch = db.prepare(`DELETE FROM webhook_queue WHERE (tenant_id, id) IN (
        SELECT tenant_id, id FROM webhook_queue
        WHERE status = 'DEAD' AND created_at < ? ORDER BY created_at LIMIT ?)`);
    this.byWebhook = db.prepare(`SELECT * FROM webhook_queue WHERE tenant_id = ? AND webhook_id = ?
      ORDER BY created_at, id LIMIT ?`);
  }

  override async enqueue(d: QueuedWebhookDelivery): Promise<void> {
    this.insert.run({
      tenant_id: d.tenantId,
      id: d.id,
      webhook_id: d.webhookId,
      conversation_id: d.conversationId,
      event_id: d.eventId,
      event_type: d.eventType,
      body: d.body,
      attempt: d.attempt,
      next_attempt_at: toMs(d.nextAttemptAt),
      lease_owner: d.leaseOwner,
      lease_until: toMsOrNull(d.leaseUntil),
      status: d.status,
      created_at: toMs(d.createdAt),
    });
  }

  override async claimDue(
    now: Date,
    owner: string,
    leaseUntil: Date,
    limit: number,
  ): Promise<QueuedWebhookDelivery[]> {
    if (limit <= 0 || !this.anyDue.get({ now: toMs(now) })) return [];
    return this.claim
      .all({ now: toMs(now), owner, until: toMs(leaseUntil), limit: Math.floor(limit) })
      .sort(byDue)
      .map(toQueued);
  }

  override async remove(tenantId: TenantId, id: string, owner: string): Promise<boolean> {
    return this.removeOne.run(tenantId, id, owner).changes === 1;
  }

  override async reschedule(
    tenantId: TenantId,
    id: string,
    owner: string,
    attempt: number,
    at: Date,
  ): Promise<boolean> {
    return this.rescheduleOne.run({ t: tenantId, id, owner, attempt, at: toMs(at) }).changes === 1;
  }

  override async markDead(tenantId: TenantId, id: string, owner: string): Promise<boolean> {
    return this.deadOne.run(tenantId, id, owner).changes === 1;
  }

  override async pruneDead(before: Date, limit: number): Promise<number> {
    return this.pruneDeadBatch.run(toMs(before), limit).changes;
  }

  override async listByWebhook(
    tenantId: TenantId,
    webhookId: string,
    limit: number,
  ): Promise<QueuedWebhookDelivery[]> {
    return this.byWebhook.all(tenantId, webhookId, Math.max(0, Math.floor(limit))).map(toQueued);
  }
}
