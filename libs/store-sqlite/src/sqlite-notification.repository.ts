import type { Database, Statement } from 'better-sqlite3';
import {
  ConversationId,
  ConversationNotificationOverride,
  DEFAULT_TENANT_NOTIFICATION_OPTIONS,
  MAX_PUSH_DEVICES,
  NO_OVERRIDE,
  NotificationDefaults,
  NotificationEmail,
  NotificationRepository,
  NotifyLevel,
  PushDevice,
  TenantId,
  TenantNotificationOptions,
  UserId,
} from '@chatter/core';

interface PushDeviceRow {
  tenant_id: string;
  id: string;
  user_id: string;
  kind: PushDevice['kind'];
  app_id: string | null;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string;
  created_at: number;
  last_success_at: number | null;
}

interface NotificationEmailRow {
  tenant_id: string;
  user_id: string;
  address: string;
  verified: number;
  digest_enabled: number;
  code_hash: string | null;
  code_expires_at: number | null;
  code_attempts: number;
  last_digest_at: number | null;
}

const toEmail = (r: NotificationEmailRow): NotificationEmail => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  address: r.address,
  verified: r.verified === 1,
  digestEnabled: r.digest_enabled === 1,
  codeHash: r.code_hash,
  codeExpiresAt: r.code_expires_at === null ? null : new Date(r.code_expires_at),
  codeAttempts: r.code_attempts,
  lastDigestAt: r.last_digest_at === null ? null : new Date(r.last_digest_at),
});

const toDevice = (r: PushDeviceRow): PushDevice => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  kind: r.kind,
  appId: r.app_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  label: r.label,
  createdAt: new Date(r.created_at),
  lastSuccessAt: r.last_success_at === null ? null : new Date(r.last_success_at),
});

export class SqliteNotificationRepository extends NotificationRepository {
  /** Prepared statements by SQL text: every statement here is a fixed string, so this stays small. */
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {
    super();
  }

  /** Prepares `sql` once and keeps it: several of these run per message sent (planning pushes). */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  override async getDefaults(
    tenantId: TenantId,
    userId: UserId,
  ): Promise<NotificationDefaults | null> {
    const row = this.statement(
      'SELECT settings FROM notification_defaults WHERE tenant_id = ? AND user_id = ?',
    ).get(tenantId, userId) as { settings: string } | undefined;
    return row ? (JSON.parse(row.settings) as NotificationDefaults) : null;
  }

  override async saveDefaults(
    tenantId: TenantId,
    userId: UserId,
    defaults: NotificationDefaults,
  ): Promise<void> {
    this.statement(
      `INSERT INTO notification_defaults (tenant_id, user_id, settings) VALUES (?, ?, ?)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET settings = excluded.settings`,
    ).run(tenantId, userId, JSON.stringify(defaults));
  }

  override async getOverride(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
  ): Promise<ConversationNotificationOverride> {
    const row = this.statement(
      `SELECT level, muted_until FROM notification_overrides
         WHERE tenant_id = ? AND user_id = ? AND conversation_id = ?`,
    ).get(tenantId, userId, conversationId) as
      { level: NotifyLevel | null; muted_until: number | null } | undefined;
    if (!row) return NO_OVERRIDE;
    return {
      level: row.level,
      mutedUntil: row.muted_until === null ? null : new Date(row.muted_until),
    };
  }

  override async saveOverride(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
    override: ConversationNotificationOverride,
  ): Promise<void> {
    if (override.level === null && override.mutedUntil === null) {
      this.statement(
        `DELETE FROM notification_overrides
           WHERE tenant_id = ? AND user_id = ? AND conversation_id = ?`,
      ).run(tenantId, userId, conversationId);
      return;
    }
    this.statement(
      `INSERT INTO notification_overrides (tenant_id, user_id, conversation_id, level, muted_until)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, user_id, conversation_id)
         DO UPDATE SET level = excluded.level, muted_until = excluded.muted_until`,
    ).run(tenantId, userId, conversationId, override.level, override.mutedUntil?.getTime() ?? null);
  }

  override async getTenantOptions(tenantId: TenantId): Promise<TenantNotificationOptions> {
    const row = this.statement(
      'SELECT omit_message_text FROM tenant_notification_options WHERE tenant_id = ?',
    ).get(tenantId) as { omit_message_text: number } | undefined;
    return row
      ? { omitMessageText: row.omit_message_text === 1 }
      : { ...DEFAULT_TENANT_NOTIFICATION_OPTIONS };
  }

  override async saveTenantOptions(
    tenantId: TenantId,
    options: TenantNotificationOptions,
  ): Promise<void> {
    this.statement(
      `INSERT INTO tenant_notification_options (tenant_id, omit_message_text) VALUES (?, ?)
         ON CONFLICT (tenant_id) DO UPDATE SET omit_message_text = excluded.omit_message_text`,
    ).run(tenantId, options.omitMessageText ? 1 : 0);
  }

  override async savePushDevice(device: PushDevice): Promise<PushDevice> {
    const save = this.db.transaction(() => {
      this.statement(
        `INSERT INTO push_devices (tenant_id, id, user_id, kind, app_id, endpoint, p256dh, auth, label, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant_id, endpoint) DO UPDATE SET user_id = excluded.user_id,
             kind = excluded.kind, app_id = excluded.app_id,
             p256dh = excluded.p256dh, auth = excluded.auth, label = excluded.label`,
      ).run(
        device.tenantId,
        device.id,
        device.userId,
        device.kind,
        device.appId,
        device.endpoint,
        device.p256dh,
        device.auth,
        device.label,
        device.createdAt.getTime(),
      );
      // Keeps the newest MAX_PUSH_DEVICES of the user.
      this.statement(
        `DELETE FROM push_devices WHERE tenant_id = ? AND user_id = ? AND pk NOT IN (
             SELECT pk FROM push_devices WHERE tenant_id = ? AND user_id = ?
             ORDER BY created_at DESC, pk DESC LIMIT ?)`,
      ).run(device.tenantId, device.userId, device.tenantId, device.userId, MAX_PUSH_DEVICES);
      return this.statement('SELECT * FROM push_devices WHERE tenant_id = ? AND endpoint = ?').get(
        device.tenantId,
        device.endpoint,
      ) as PushDeviceRow;
    });
    return toDevice(save.immediate());
  }

  override async anyPushDevices(tenantId: TenantId): Promise<boolean> {
    return (
      this.statement('SELECT 1 AS one FROM push_devices WHERE tenant_id = ? LIMIT 1').get(
        tenantId,
      ) !== undefined
    );
  }

  override async membersWithPushDevices(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterUserId: UserId | null,
    limit: number,
  ): Promise<UserId[]> {
    // Walks the tenant's device owners (push_devices_user) and probes the members key for each.
    const rows = this.statement(
      `SELECT DISTINCT d.user_id FROM push_devices d
         JOIN members m ON m.tenant_id = d.tenant_id AND m.conversation_id = ? AND m.user_id = d.user_id
         WHERE d.tenant_id = ? AND d.user_id > ?
         ORDER BY d.user_id LIMIT ?`,
    ).all(conversationId, tenantId, afterUserId ?? '', Math.min(Math.max(limit, 0), 1000)) as {
      user_id: string;
    }[];
    return rows.map((r) => r.user_id);
  }

  override async listPushDevices(tenantId: TenantId, userId: UserId): Promise<PushDevice[]> {
    const rows = this.statement(
      `SELECT * FROM push_devices WHERE tenant_id = ? AND user_id = ?
         ORDER BY created_at, pk LIMIT ?`,
    ).all(tenantId, userId, MAX_PUSH_DEVICES) as PushDeviceRow[];
    return rows.map(toDevice);
  }

  override async findPushDevice(tenantId: TenantId, id: string): Promise<PushDevice | null> {
    const row = this.statement('SELECT * FROM push_devices WHERE tenant_id = ? AND id = ?').get(
      tenantId,
      id,
    ) as PushDeviceRow | undefined;
    return row ? toDevice(row) : null;
  }

  override async removePushDevice(
    tenantId: TenantId,
    id: string,
    userId?: UserId,
  ): Promise<boolean> {
    const result =
      userId === undefined
        ? this.statement('DELETE FROM push_devices WHERE tenant_id = ? AND id = ?').run(
            tenantId,
            id,
          )
        : this.statement(
            'DELETE FROM push_devices WHERE tenant_id = ? AND id = ? AND user_id = ?',
          ).run(tenantId, id, userId);
    return result.changes > 0;
  }

  override async markPushDeviceUsed(tenantId: TenantId, id: string, at: Date): Promise<void> {
    this.statement(
      'UPDATE push_devices SET last_success_at = ? WHERE tenant_id = ? AND id = ?',
    ).run(at.getTime(), tenantId, id);
  }

  override async getNotificationEmail(
    tenantId: TenantId,
    userId: UserId,
  ): Promise<NotificationEmail | null> {
    const row = this.statement(
      'SELECT * FROM notification_emails WHERE tenant_id = ? AND user_id = ?',
    ).get(tenantId, userId) as NotificationEmailRow | undefined;
    return row ? toEmail(row) : null;
  }

  override async saveNotificationEmail(
    tenantId: TenantId,
    userId: UserId,
    email: NotificationEmail | null,
  ): Promise<void> {
    if (email === null) {
      this.statement('DELETE FROM notification_emails WHERE tenant_id = ? AND user_id = ?').run(
        tenantId,
        userId,
      );
      return;
    }
    this.statement(
      `INSERT INTO notification_emails
         (tenant_id, user_id, address, verified, digest_enabled, code_hash, code_expires_at, code_attempts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET
         address = excluded.address, verified = excluded.verified,
         digest_enabled = excluded.digest_enabled, code_hash = excluded.code_hash,
         code_expires_at = excluded.code_expires_at, code_attempts = excluded.code_attempts`,
    ).run(
      tenantId,
      userId,
      email.address,
      email.verified ? 1 : 0,
      email.digestEnabled ? 1 : 0,
      email.codeHash,
      email.codeExpiresAt?.getTime() ?? null,
      email.codeAttempts,
    );
  }

  override async scheduleDigest(
    tenantId: TenantId,
    userId: UserId,
    dueAt: Date,
    staleBefore: Date,
  ): Promise<boolean> {
    const result = this.statement(
      `UPDATE notification_emails SET digest_due_at = ?
         WHERE tenant_id = ? AND user_id = ? AND (digest_due_at IS NULL OR digest_due_at < ?)`,
    ).run(dueAt.getTime(), tenantId, userId, staleBefore.getTime());
    return result.changes > 0;
  }

  override async digestDone(
    tenantId: TenantId,
    userId: UserId,
    sentAt: Date | null,
  ): Promise<void> {
    this.statement(
      `UPDATE notification_emails SET digest_due_at = NULL,
         last_digest_at = COALESCE(?, last_digest_at) WHERE tenant_id = ? AND user_id = ?`,
    ).run(sentAt?.getTime() ?? null, tenantId, userId);
  }

  override async membersWithEmailDigests(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterUserId: UserId | null,
    limit: number,
  ): Promise<UserId[]> {
    const rows = this.statement(
      `SELECT e.user_id FROM notification_emails e
         JOIN members m ON m.tenant_id = e.tenant_id AND m.conversation_id = ? AND m.user_id = e.user_id
         WHERE e.tenant_id = ? AND e.verified = 1 AND e.digest_enabled = 1 AND e.user_id > ?
         ORDER BY e.user_id LIMIT ?`,
    ).all(conversationId, tenantId, afterUserId ?? '', Math.min(Math.max(limit, 0), 1000)) as {
      user_id: string;
    }[];
    return rows.map((r) => r.user_id);
  }
}
