import type { Database, Statement } from 'better-sqlite3';
import {
  TenantId,
  UserId,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookDisabledReason,
  WebhookEventType,
  WebhookRepository,
} from '@chatter/core';
import { mapConstraintErrors } from './sqlite-errors';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from './time';

interface WebhookRow {
  tenant_id: string;
  id: string;
  bot_id: string;
  url: string;
  secret: string;
  events: string;
  created_at: number;
  consecutive_failures: number;
  disabled_at: number | null;
  disabled_reason: string | null;
  conversation_ids: string;
}

interface DeliveryRow {
  tenant_id: string;
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  status: string;
  response_status: number | null;
  error: string | null;
  at: number;
}

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  tenantId: row.tenant_id,
  botId: row.bot_id,
  url: row.url,
  secret: row.secret,
  conversationIds: (JSON.parse(row.conversation_ids) as string[]).sort(),
  events: JSON.parse(row.events) as WebhookEventType[],
  createdAt: fromMs(row.created_at),
  consecutiveFailures: row.consecutive_failures,
  disabledAt: fromMsOrNull(row.disabled_at),
  disabledReason: row.disabled_reason as WebhookDisabledReason | null,
});

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  tenantId: row.tenant_id,
  webhookId: row.webhook_id,
  eventId: row.event_id,
  eventType: row.event_type as WebhookEventType,
  attempt: row.attempt,
  status: row.status as WebhookDeliveryStatus,
  responseStatus: row.response_status,
  error: row.error,
  at: fromMs(row.at),
});

const SELECT_WEBHOOK = `SELECT w.*, (SELECT json_group_array(conversation_id) FROM webhook_conversations c
  WHERE c.tenant_id = w.tenant_id AND c.webhook_id = w.id) AS conversation_ids FROM webhooks w`;

export class SqliteWebhookRepository extends WebhookRepository {
  private readonly insert: Statement;
  private readonly insertConversation: Statement<[string, string, string]>;
  private readonly byId: Statement<[string, string], WebhookRow>;
  private readonly byBot: Statement<[string, string], WebhookRow>;
  private readonly byConversation: Statement<[string, string], WebhookRow>;
  private readonly insertDelivery: Statement;
  private readonly deliveries: Statement<[string, string, number], DeliveryRow>;
  private readonly pruneDeliveryBatch: Statement<[number, number]>;
  private readonly succeeded: Statement<[string, string]>;
  private readonly failed: Statement<[{ limit: number; at: number; t: string; id: string }]>;
  private readonly disabled: Statement<[{ at: number; reason: string; t: string; id: string }]>;
  private readonly enabled: Statement<[string, string]>;

  constructor(private readonly db: Database) {
    super();
    this.insert = db.prepare(`INSERT INTO webhooks (tenant_id, id, bot_id, url, secret, events,
        created_at, consecutive_failures, disabled_at, disabled_reason)
      VALUES (@tenant_id, @id, @bot_id, @url, @secret, @events, @created_at, @consecutive_failures,
        @disabled_at, @disabled_reason)`);
    this.succeeded = db.prepare(`UPDATE webhooks SET consecutive_failures = 0
      WHERE tenant_id = ? AND id = ? AND consecutive_failures <> 0`);
    // One statement: concurrent failures from several instances add up.
    this.failed = db.prepare(`UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,
        disabled_reason = CASE WHEN disabled_at IS NULL AND consecutive_failures + 1 >= @limit
          THEN 'FAILING' ELSE disabled_reason END,
        disabled_at = CASE WHEN disabled_at IS NULL AND consecutive_failures + 1 >= @limit
          THEN @at ELSE disabled_at END
      WHERE tenant_id = @t AND id = @id`);
    this.disabled = db.prepare(`UPDATE webhooks SET disabled_at = @at, disabled_reason = @reason
      WHERE tenant_id = @t AND id = @id AND disabled_at IS NULL`);
    this.enabled = db.prepare(`UPDATE webhooks
      SET disabled_at = NULL, disabled_reason = NULL, consecutive_failures = 0
      WHERE tenant_id = ? AND id = ?`);
    this.insertConversation = db.prepare(
      'INSERT INTO webhook_conversations (tenant_id, webhook_id, conversation_id) VALUES (?, ?, ?)',
    );
    this.byId = db.prepare(`${SELECT_WEBHOOK} WHERE w.tenant_id = ? AND w.id = ?`);
    this.byBot = db.prepare(
      `${SELECT_WEBHOOK} WHERE w.tenant_id = ? AND w.bot_id = ? ORDER BY w.created_at, w.id`,
    );
    this.byConversation = db.prepare(`${SELECT_WEBHOOK} WHERE w.tenant_id = ? AND w.id IN
      (SELECT webhook_id FROM webhook_conversations WHERE tenant_id = w.tenant_id AND conversation_id = ?)
      ORDER BY w.created_at, w.id`);
    this.insertDelivery = db.prepare(`INSERT INTO webhook_deliveries (tenant_id, id, webhook_id,
        event_id, event_type, attempt, status, response_status, error, at)
      VALUES (@tenant_id, @id, @webhook_id, @event_id, @event_type, @attempt, @status,
        @response_status, @error, @at)`);
    this.pruneDeliveryBatch = db.prepare(`DELETE FROM webhook_deliveries WHERE pk IN (
        SELECT pk FROM webhook_deliveries WHERE at < ? ORDER BY at LIMIT ?)`);
    this.deliveries = db.prepare(`SELECT * FROM webhook_deliveries
      WHERE tenant_id = ? AND webhook_id = ? ORDER BY pk DESC LIMIT ?`);
  }

  override async create(webhook: Webhook): Promise<Webhook> {
    mapConstraintErrors('webhook', () =>
      this.db.transaction(() => {
        this.insert.run({
          tenant_id: webhook.tenantId,
          id: webhook.id,
          bot_id: webhook.botId,
          url: webhook.url,
          secret: webhook.secret,
          events: JSON.stringify(webhook.events),
          created_at: toMs(webhook.createdAt),
          consecutive_failures: webhook.consecutiveFailures,
          disabled_at: toMsOrNull(webhook.disabledAt),
          disabled_reason: webhook.disabledReason,
        });
        for (const c of new Set(webhook.conversationIds))
          this.insertConversation.run(webhook.tenantId, webhook.id, c);
      })(),
    );
    return (await this.findById(webhook.tenantId, webhook.id))!;
  }

  override async findById(tenantId: TenantId, id: string): Promise<Webhook | null> {
    const row = this.byId.get(tenantId, id);
    return row ? toWebhook(row) : null;
  }

  override async listByBot(tenantId: TenantId, botId: UserId): Promise<Webhook[]> {
    return this.byBot.all(tenantId, botId).map(toWebhook);
  }

  override async listForConversation(
    tenantId: TenantId,
    conversationId: string,
  ): Promise<Webhook[]> {
    return this.byConversation.all(tenantId, conversationId).map(toWebhook);
  }

  override async addDelivery(d: WebhookDelivery): Promise<void> {
    this.insertDelivery.run({
      tenant_id: d.tenantId,
      id: d.id,
      webhook_id: d.webhookId,
      event_id: d.eventId,
      event_type: d.eventType,
      attempt: d.attempt,
      status: d.status,
      response_status: d.responseStatus,
      error: d.error,
      at: toMs(d.at),
    });
  }

  override async pruneDeliveries(before: Date, limit: number): Promise<number> {
    return this.pruneDeliveryBatch.run(toMs(before), limit).changes;
  }

  override async listDeliveries(
    tenantId: TenantId,
    webhookId: string,
    limit: number,
  ): Promise<WebhookDelivery[]> {
    return this.deliveries.all(tenantId, webhookId, limit).map(toDelivery);
  }

  override async recordSuccess(tenantId: TenantId, id: string): Promise<void> {
    this.succeeded.run(tenantId, id);
  }

  override async recordFailure(
    tenantId: TenantId,
    id: string,
    disableAfter: number,
    at: Date,
  ): Promise<Webhook | null> {
    this.failed.run({ limit: disableAfter, at: toMs(at), t: tenantId, id });
    return this.findById(tenantId, id);
  }

  override async disable(
    tenantId: TenantId,
    id: string,
    reason: WebhookDisabledReason,
    at: Date,
  ): Promise<Webhook | null> {
    this.disabled.run({ at: toMs(at), reason, t: tenantId, id });
    return this.findById(tenantId, id);
  }

  override async enable(tenantId: TenantId, id: string): Promise<Webhook | null> {
    this.enabled.run(tenantId, id);
    return this.findById(tenantId, id);
  }
}
