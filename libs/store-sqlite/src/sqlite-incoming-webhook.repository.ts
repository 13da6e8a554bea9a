import type { Database, Statement } from 'better-sqlite3';
import { IncomingWebhook, IncomingWebhookRepository, TenantId, UserId } from '@chatter/core';
import { mapConstraintErrors } from './sqlite-errors';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from './time';

interface Row {
  id: string;
  tenant_id: string;
  bot_id: string;
  conversation_id: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

const toHook = (r: Row): IncomingWebhook => ({
  id: r.id,
  tenantId: r.tenant_id,
  botId: r.bot_id,
  conversationId: r.conversation_id,
  secretHash: r.secret_hash,
  createdAt: fromMs(r.created_at),
  revokedAt: fromMsOrNull(r.revoked_at),
});

export class SqliteIncomingWebhookRepository extends IncomingWebhookRepository {
  private readonly insert: Statement<[Row]>;
  private readonly byId: Statement<[string], Row>;
  private readonly byBot: Statement<[string, string], Row>;
  private readonly revokeOne: Statement<[number, string, string, string], Row>;

  constructor(db: Database) {
    super();
    this.insert = db.prepare(`INSERT INTO incoming_webhooks (id, tenant_id, bot_id, conversation_id,
        secret_hash, created_at, revoked_at)
      VALUES (@id, @tenant_id, @bot_id, @conversation_id, @secret_hash, @created_at, @revoked_at)`);
    this.byId = db.prepare('SELECT * FROM incoming_webhooks WHERE id = ?');
    this.byBot = db.prepare(
      'SELECT * FROM incoming_webhooks WHERE tenant_id = ? AND bot_id = ? ORDER BY created_at, id',
    );
    this.revokeOne = db.prepare(`UPDATE incoming_webhooks SET revoked_at = coalesce(revoked_at, ?)
      WHERE tenant_id = ? AND bot_id = ? AND id = ? RETURNING *`);
  }

  override async create(hook: IncomingWebhook): Promise<IncomingWebhook> {
    mapConstraintErrors('webhook', () =>
      this.insert.run({
        id: hook.id,
        tenant_id: hook.tenantId,
        bot_id: hook.botId,
        conversation_id: hook.conversationId,
        secret_hash: hook.secretHash,
        created_at: toMs(hook.createdAt),
        revoked_at: toMsOrNull(hook.revokedAt),
      }),
    );
    return { ...hook };
  }

  override async findById(id: string): Promise<IncomingWebhook | null> {
    const row = this.byId.get(id);
    return row ? toHook(row) : null;
  }

  override async listByBot(tenantId: TenantId, botId: UserId): Promise<IncomingWebhook[]> {
    return this.byBot.all(tenantId, botId).map(toHook);
  }

  override async revoke(
    tenantId: TenantId,
    botId: UserId,
    id: string,
    at: Date,
  ): Promise<IncomingWebhook | null> {
    const row = this.revokeOne.get(toMs(at), tenantId, botId, id);
    return row ? toHook(row) : null;
  }
}
