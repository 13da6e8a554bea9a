import type { Database, Statement } from 'better-sqlite3';
import { ProfilePatch, TenantId, User, UserId, UserRepository } from '@chatter/core';
import { UserRow, fromUser, toUser } from './mappers/user.mapper';
import { GroupCommit } from './group-commit';
import { mapConstraintErrors } from './sqlite-errors';

type PatchRow = {
  tenant_id: string;
  id: string;
  updated_at: number;
  set_name: number;
  name: string | null;
  set_avatar_url: number;
  avatar_url: string | null;
  set_status_text: number;
  status_text: string | null;
  set_status_emoji: number;
  status_emoji: string | null;
  set_presence_privacy: number;
  presence_privacy: string | null;
};

export class SqliteUserRepository extends UserRepository {
  private readonly insert: Statement<[UserRow]>;
  private readonly byId: Statement<[string, string], UserRow>;
  private readonly byIds: Statement<[string, string], UserRow>;
  private readonly byPhone: Statement<[string, string], UserRow>;
  private readonly byExternalId: Statement<[string, string], UserRow>;
  private readonly patch: Statement<[PatchRow], UserRow>;
  /** Last-seen times written together: a mass disconnect (a deploy, a network blip) is one commit per turn. */
  private readonly lastSeenWrites: GroupCommit<[number, string, string], void>;

  constructor(db: Database) {
    super();
    this.insert =
      db.prepare(`INSERT INTO users (tenant_id, id, phone, external_id, is_bot, name, avatar_url, status_text,
        status_emoji, presence_privacy, last_seen_at, created_at, updated_at)
      VALUES (@tenant_id, @id, @phone, @external_id, @is_bot, @name, @avatar_url, @status_text, @status_emoji,
        @presence_privacy, @last_seen_at, @created_at, @updated_at)`);
    this.byId = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id = ?');
    this.byIds = db.prepare(
      'SELECT * FROM users WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))',
    );
    this.byPhone = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND phone = ?');
    this.byExternalId = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND external_id = ?');
    // One statement for any patch: each column is replaced only when its flag is set.
    this.patch = db.prepare(`UPDATE users SET
        name = CASE WHEN @set_name THEN @name ELSE name END,
        avatar_url = CASE WHEN @set_avatar_url THEN @avatar_url ELSE avatar_url END,
        status_text = CASE WHEN @set_status_text THEN @status_text ELSE status_text END,
        status_emoji = CASE WHEN @set_status_emoji THEN @status_emoji ELSE status_emoji END,
        presence_privacy = CASE WHEN @set_presence_privacy THEN @presence_privacy ELSE presence_privacy END,
        updated_at = @updated_at
      WHERE tenant_id = @tenant_id AND id = @id RETURNING *`);
    const lastSeen = db.prepare<[number, string, string]>(
      'UPDATE users SET last_seen_at = ? WHERE tenant_id = ? AND id = ?',
    );
    this.lastSeenWrites = new GroupCommit(
      db,
      db.transaction((args: [number, string, string]) => {
        lastSeen.run(...args);
      }).immediate,
    );
  }

  override async create(user: User): Promise<User> {
    mapConstraintErrors('user', () => this.insert.run(fromUser(user)));
    return { ...user };
  }

  override async findById(tenantId: TenantId, id: UserId): Promise<User | null> {
    const row = this.byId.get(tenantId, id);
    return row ? toUser(row) : null;
  }

  override async findByIds(tenantId: TenantId, ids: readonly UserId[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return this.byIds.all(tenantId, JSON.stringify(ids)).map(toUser);
  }

  override async findByPhone(tenantId: TenantId, phone: string): Promise<User | null> {
    const row = this.byPhone.get(tenantId, phone);
    return row ? toUser(row) : null;
  }

  override async findByExternalId(tenantId: TenantId, externalId: string): Promise<User | null> {
    const row = this.byExternalId.get(tenantId, externalId);
    return row ? toUser(row) : null;
  }

  override async update(
    tenantId: TenantId,
    id: UserId,
    patch: ProfilePatch,
    at: Date,
  ): Promise<User | null> {
    const flag = (key: keyof ProfilePatch) => (patch[key] !== undefined ? 1 : 0);
    const row = this.patch.get({
      tenant_id: tenantId,
      id,
      updated_at: at.getTime(),
      set_name: flag('name'),
      name: patch.name ?? null,
      set_avatar_url: flag('avatarUrl'),
      avatar_url: patch.avatarUrl ?? null,
      set_status_text: flag('statusText'),
      status_text: patch.statusText ?? null,
      set_status_emoji: flag('statusEmoji'),
      status_emoji: patch.statusEmoji ?? null,
      set_presence_privacy: flag('presencePrivacy'),
      presence_privacy: patch.presencePrivacy ?? null,
    });
    return row ? toUser(row) : null;
  }

  override async setLastSeen(tenantId: TenantId, id: UserId, at: Date): Promise<void> {
    return this.lastSeenWrites.submit([at.getTime(), tenantId, id]);
  }
}
