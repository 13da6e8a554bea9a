import type { Database, Statement } from 'better-sqlite3';
import {
  AttachmentKind,
  ChannelCreationPolicy,
  checkAttachmentKinds,
  SafetySettingsRepository,
  TenantSafetySettings,
  WordFilterMode,
} from '@chatter/core';
import { fromMs, toMs } from './time';

interface SafetyRow {
  tenant_id: string;
  word_filter_mode: WordFilterMode;
  filter_words: string;
  message_retention_days: number | null;
  channel_creation: ChannelCreationPolicy;
  allowed_attachment_kinds: string;
  updated_by: string | null;
  updated_at: number | null;
}

const toSettings = (row: SafetyRow): TenantSafetySettings => ({
  tenantId: row.tenant_id,
  wordFilterMode: row.word_filter_mode,
  filterWords: JSON.parse(row.filter_words) as string[],
  messageRetentionDays: row.message_retention_days,
  channelCreation: row.channel_creation,
  allowedAttachmentKinds: checkAttachmentKinds(
    JSON.parse(row.allowed_attachment_kinds) as AttachmentKind[],
  ),
  updatedBy: row.updated_by,
  updatedAt: row.updated_at === null ? null : fromMs(row.updated_at),
});

export class SqliteSafetySettingsRepository extends SafetySettingsRepository {
  private readonly byTenant: Statement<[string], SafetyRow>;
  private readonly upsert: Statement<[SafetyRow], SafetyRow>;
  private readonly retained: Statement<[], { tenant_id: string; days: number }>;

  constructor(db: Database) {
    super();
    this.byTenant = db.prepare('SELECT * FROM tenant_safety_settings WHERE tenant_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO tenant_safety_settings (tenant_id, word_filter_mode, filter_words,
         message_retention_days, channel_creation, allowed_attachment_kinds, updated_by, updated_at)
       VALUES (@tenant_id, @word_filter_mode, @filter_words, @message_retention_days,
         @channel_creation, @allowed_attachment_kinds, @updated_by, @updated_at)
       ON CONFLICT (tenant_id) DO UPDATE SET
         word_filter_mode = excluded.word_filter_mode, filter_words = excluded.filter_words,
         message_retention_days = excluded.message_retention_days,
         channel_creation = excluded.channel_creation,
         allowed_attachment_kinds = excluded.allowed_attachment_kinds,
         updated_by = excluded.updated_by,
         updated_at = excluded.updated_at
       RETURNING *`,
    );
    this.retained = db.prepare(
      `SELECT tenant_id, message_retention_days AS days FROM tenant_safety_settings
       WHERE message_retention_days IS NOT NULL ORDER BY tenant_id`,
    );
  }

  override async find(tenantId: string): Promise<TenantSafetySettings | null> {
    const row = this.byTenant.get(tenantId);
    return row ? toSettings(row) : null;
  }

  override async save(settings: TenantSafetySettings): Promise<TenantSafetySettings> {
    return toSettings(
      this.upsert.get({
        tenant_id: settings.tenantId,
        word_filter_mode: settings.wordFilterMode,
        filter_words: JSON.stringify(settings.filterWords),
        message_retention_days: settings.messageRetentionDays,
        channel_creation: settings.channelCreation,
        allowed_attachment_kinds: JSON.stringify(settings.allowedAttachmentKinds),
        updated_by: settings.updatedBy,
        updated_at: settings.updatedAt === null ? null : toMs(settings.updatedAt),
      })!,
    );
  }

  override async withRetention(): Promise<{ tenantId: string; days: number }[]> {
    return this.retained.all().map((r) => ({ tenantId: r.tenant_id, days: r.days }));
  }
}
