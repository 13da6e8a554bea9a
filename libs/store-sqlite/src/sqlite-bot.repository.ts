import type { Database, Statement } from 'better-sqlite3';
import { Bot, BotRepository, BotScope, TenantId, UserId } from '@chatter/core';
import { mapConstraintErrors } from './sqlite-errors';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from './time';

interface BotRow {
  tenant_id: string;
  id: string;
  name: string;
  scopes: string;
  conversation_ids: string | null;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}

const toBot = (row: BotRow): Bot => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  scopes: JSON.parse(row.scopes) as BotScope[],
  conversationIds: row.conversation_ids ? (JSON.parse(row.conversation_ids) as string[]) : null,
  tokenHash: row.token_hash,
  createdAt: fromMs(row.created_at),
  revokedAt: fromMsOrNull(row.revoked_at),
});

const fromBot = (bot: Bot): BotRow => ({
  tenant_id: bot.tenantId,
  id: bot.id,
  name: bot.name,
  scopes: JSON.stringify(bot.scopes),
  conversation_ids: bot.conversationIds ? JSON.stringify(bot.conversationIds) : null,
  token_hash: bot.tokenHash,
  created_at: toMs(bot.createdAt),
  revoked_at: toMsOrNull(bot.revokedAt),
});

export class SqliteBotRepository extends BotRepository {
  private readonly insert: Statement<[BotRow]>;
  private readonly byId: Statement<[string, string], BotRow>;
  private readonly byTenant: Statement<[string], BotRow>;
  private readonly revokeOne: Statement<[number, string, string], BotRow>;

  constructor(db: Database) {
    super();
    this.insert = db.prepare(`INSERT INTO bots (tenant_id, id, name, scopes, conversation_ids,
        token_hash, created_at, revoked_at)
      VALUES (@tenant_id, @id, @name, @scopes, @conversation_ids, @token_hash, @created_at, @revoked_at)`);
    this.byId = db.prepare('SELECT * FROM bots WHERE tenant_id = ? AND id = ?');
    this.byTenant = db.prepare('SELECT * FROM bots WHERE tenant_id = ? ORDER BY created_at, id');
    this.revokeOne = db.prepare(
      'UPDATE bots SET revoked_at = coalesce(revoked_at, ?) WHERE tenant_id = ? AND id = ? RETURNING *',
    );
  }

  override async create(bot: Bot): Promise<Bot> {
    mapConstraintErrors('bot', () => this.insert.run(fromBot(bot)));
    return toBot(fromBot(bot));
  }

  override async findById(tenantId: TenantId, id: UserId): Promise<Bot | null> {
    const row = this.byId.get(tenantId, id);
    return row ? toBot(row) : null;
  }

  override async list(tenantId: TenantId): Promise<Bot[]> {
    return this.byTenant.all(tenantId).map(toBot);
  }

  override async revoke(tenantId: TenantId, id: UserId, at: Date): Promise<Bot | null> {
    const row = this.revokeOne.get(toMs(at), tenantId, id);
    return row ? toBot(row) : null;
  }
}
