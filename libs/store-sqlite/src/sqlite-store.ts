import type Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConversationLog } from './conversation-log';
import { MIGRATIONS, migrate } from './migrations';
import { SqliteAttachmentRepository } from './sqlite-attachment.repository';
import { SqliteCallRepository } from './sqlite-call.repository';
import { SqlitePollRepository } from './sqlite-poll.repository';
import { SqliteBlockRepository } from './sqlite-block.repository';
import { SqliteContactRepository } from './sqlite-contact.repository';
import { SqliteConversationRepository } from './sqlite-conversation.repository';
import { openDatabase } from './sqlite-driver';
import { WalCheckpointer } from './wal-checkpointer';
import { SqliteMessageRepository } from './sqlite-message.repository';
import { SqliteNotificationRepository } from './sqlite-notification.repository';
import { SqliteSessionRepository } from './sqlite-session.repository';
import { SqliteTenantRepository } from './sqlite-tenant.repository';
import { SqliteTenantRoleRepository } from './sqlite-tenant-role.repository';
import { SqliteOidcRepository } from './sqlite-oidc.repository';
import { SqliteSafetySettingsRepository } from './sqlite-safety-settings.repository';
import { SqliteSanctionRepository } from './sqlite-sanction.repository';
import { SqliteAuditLogRepository } from './sqlite-audit-log.repository';
import { SqliteReportRepository } from './sqlite-report.repository';
import { SqliteScheduledMessageRepository } from './sqlite-scheduled-message.repository';
import { SqliteStarRepository } from './sqlite-star.repository';
import { SqliteThreadFollowRepository } from './sqlite-thread-follow.repository';
import { SqliteUserRepository } from './sqlite-user.repository';
import { SqliteBotRepository } from './sqlite-bot.repository';
import { SqliteWebhookRepository } from './sqlite-webhook.repository';
import { SqliteWebhookQueueRepository } from './sqlite-webhook-queue.repository';
import { SqliteIncomingWebhookRepository } from './sqlite-incoming-webhook.repository';
import { SqliteLinkPreviewRepository } from './sqlite-link-preview.repository';

export interface SqliteStoreOptions {
  /** Database file path, or ':memory:' (tests). Missing parent directories are created. */
  file: string;
  /**
   * WAL synchronous level. NORMAL (default) survives a process crash; FULL also survives power
   * loss at the cost of an fsync per commit.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
  /**
   * Page cache size in KiB (default 16,000, better-sqlite3's build default). The cache fills as
   * pages are read or written and then stays at this size: it is the part of resident memory
   * that grows with the database.
   */
  cacheKiB?: number;
  /** Path of the driver binary to load (see openDatabase); default: the installed one. */
  nativeBinding?: string;
  /**
   * How often a background thread checkpoints the WAL (ms; default 200), so the thread that
   * serves requests never does (see WalCheckpointer). 0: SQLite checkpoints in the commit that
   * fills the WAL, as it does by default.
   */
  checkpointIntervalMs?: number;
}

/** The embedded store: every repository port over one better-sqlite3 connection. */
export class SqliteStore {
  readonly tenants: SqliteTenantRepository;
  readonly users: SqliteUserRepository;
  readonly sessions: SqliteSessionRepository;
  readonly contacts: SqliteContactRepository;
  readonly blocks: SqliteBlockRepository;
  readonly conversations: SqliteConversationRepository;
  readonly messages: SqliteMessageRepository;
  readonly attachments: SqliteAttachmentRepository;
  readonly calls: SqliteCallRepository;
  readonly polls: SqlitePollRepository;
  readonly notifications: SqliteNotificationRepository;
  readonly tenantRoles: SqliteTenantRoleRepository;
  readonly oidc: SqliteOidcRepository;
  readonly safetySettings: SqliteSafetySettingsRepository;
  readonly sanctions: SqliteSanctionRepository;
  readonly auditLog: SqliteAuditLogRepository;
  readonly reports: SqliteReportRepository;
  readonly scheduledMessages: SqliteScheduledMessageRepository;
  readonly threadFollows: SqliteThreadFollowRepository;
  readonly stars: SqliteStarRepository;
  readonly bots: SqliteBotRepository;
  readonly webhooks: SqliteWebhookRepository;
  readonly webhookQueue: SqliteWebhookQueueRepository;
  readonly incomingWebhooks: SqliteIncomingWebhookRepository;
  readonly linkPreviews: SqliteLinkPreviewRepository;

  /** Checkpoints the WAL in a worker thread (file databases). */
  private checkpointer: WalCheckpointer | undefined;

  private constructor(
    private readonly db: Database.Database,
    /** Migration versions this open applied (empty when the schema was already current). */
    readonly appliedMigrations: readonly number[],
  ) {
    const log = new ConversationLog(db);
    this.tenants = new SqliteTenantRepository(db);
    this.users = new SqliteUserRepository(db);
    this.sessions = new SqliteSessionRepository(db);
    this.contacts = new SqliteContactRepository(db);
    this.blocks = new SqliteBlockRepository(db);
    this.conversations = new SqliteConversationRepository(db, log);
    this.messages = new SqliteMessageRepository(db, log);
    this.attachments = new SqliteAttachmentRepository(db);
    this.calls = new SqliteCallRepository(db);
    this.polls = new SqlitePollRepository(db, log);
    this.notifications = new SqliteNotificationRepository(db);
    this.tenantRoles = new SqliteTenantRoleRepository(db);
    this.oidc = new SqliteOidcRepository(db);
    this.safetySettings = new SqliteSafetySettingsRepository(db);
    this.sanctions = new SqliteSanctionRepository(db);
    this.auditLog = new SqliteAuditLogRepository(db);
    this.reports = new SqliteReportRepository(db);
    this.scheduledMessages = new SqliteScheduledMessageRepository(db);
    this.threadFollows = new SqliteThreadFollowRepository(db);
    this.stars = new SqliteStarRepository(db);
    this.bots = new SqliteBotRepository(db);
    this.webhooks = new SqliteWebhookRepository(db);
    this.webhookQueue = new SqliteWebhookQueueRepository(db);
    this.incomingWebhooks = new SqliteIncomingWebhookRepository(db);
    this.linkPreviews = new SqliteLinkPreviewRepository(db, log);
  }

  /** Opens (creating if needed) the database and brings its schema up to date. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const inMemory = options.file === ':memory:' || options.file === '';
    if (!inMemory) restrictToOwner(options.file);
    const db = openDatabase(options.file, { nativeBinding: options.nativeBinding });
    try {
      // WAL lets readers proceed during a write; in-memory databases keep their own journal mode.
      if (!inMemory) db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      // A negative cache_size is a size in KiB rather than a page count.
      db.pragma(`cache_size = -${Math.max(1, Math.trunc(options.cacheKiB ?? 16_000))}`);
      const applied = migrate(db, MIGRATIONS);
      // Lets the planner gather statistics it lacks (cheap; recommended for long-lived connections).
      db.pragma('optimize = 0x10002');
      const store = new SqliteStore(db, applied);
      const interval = Math.trunc(options.checkpointIntervalMs ?? 200);
      if (!inMemory && interval > 0)
        store.checkpointer = new WalCheckpointer(db, options.file, {
          intervalMs: interval,
          nativeBinding: options.nativeBinding,
          onFallback: (reason) =>
            process.emitWarning(`WAL checkpoints back in the writing thread: ${reason}`),
        });
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** True when the database answers a trivial query. */
  async isReady(): Promise<boolean> {
    try {
      return this.db.open && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  /** Closes the connection (checkpointing the WAL); idempotent. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    try {
      this.messages.searchQueue.close();
      this.db.pragma('optimize');
      // The background connection closes first: the last one to close checkpoints and removes the WAL.
      await this.checkpointer?.stop();
    } finally {
      this.db.close();
    }
  }
}

/**
 * The database holds messages, phone numbers and tenant secrets: its directory is created 0700 and
 * the file 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database file's
 * mode). Database files left more open by an older version are narrowed where we own them.
 */
function restrictToOwner(file: string): void {
  const dir = dirname(file);
  // An existing directory is the operator's (it may be shared, like /tmp): only a new one is ours.
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`])
    if (existsSync(path)) narrow(path, 0o600);
}

function narrow(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch {
    // Not ours to change (e.g. a mounted volume owned by another user): leave it as it is.
  }
}
