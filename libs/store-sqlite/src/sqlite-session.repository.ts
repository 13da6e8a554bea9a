import type { Database, Statement } from 'better-sqlite3';
import { RefreshToken, Session, SessionRepository } from '@chatter/core';
import {
  RefreshTokenRow,
  SessionRow,
  fromRefreshToken,
  fromSession,
  toRefreshToken,
  toSession,
} from './mappers/session.mapper';
import { mapConstraintErrors } from './sqlite-errors';

export class SqliteSessionRepository extends SessionRepository {
  private readonly insertSession: Statement<[SessionRow]>;
  private readonly sessionById: Statement<[string], SessionRow>;
  private readonly revoke: Statement<[number, string]>;
  private readonly insertToken: Statement<[RefreshTokenRow]>;
  private readonly tokenByHash: Statement<[string], RefreshTokenRow>;
  private readonly useToken: Statement<[number, string]>;

  private readonly revokeUser: Statement<[number, string, string], { id: string }>;

  constructor(db: Database) {
    super();
    this.insertSession = db.prepare(
      'INSERT INTO sessions (id, tenant_id, user_id, created_at, revoked_at) VALUES (@id, @tenant_id, @user_id, @created_at, @revoked_at)',
    );
    this.sessionById = db.prepare('SELECT * FROM sessions WHERE id = ?');
    this.revoke = db.prepare(
      'UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?',
    );
    this.insertToken =
      db.prepare(`INSERT INTO refresh_tokens (token_hash, session_id, expires_at, created_at, used_at)
      VALUES (@token_hash, @session_id, @expires_at, @created_at, @used_at)`);
    this.tokenByHash = db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?');
    this.revokeUser = db.prepare(
      'UPDATE sessions SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id',
    );
    // The WHERE clause makes the check-and-set one atomic statement: only one caller changes the row.
    this.useToken = db.prepare(
      'UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL',
    );
  }

  override async createSession(session: Session): Promise<void> {
    mapConstraintErrors('session', () => this.insertSession.run(fromSession(session)));
  }

  override async findSession(id: string): Promise<Session | null> {
    const row = this.sessionById.get(id);
    return row ? toSession(row) : null;
  }

  override async revokeSession(id: string, at: Date): Promise<void> {
    this.revoke.run(at.getTime(), id);
  }

  override async revokeUserSessions(tenantId: string, userId: string, at: Date): Promise<string[]> {
    return this.revokeUser.all(at.getTime(), tenantId, userId).map((r) => r.id);
  }

  override async addRefreshToken(token: RefreshToken): Promise<void> {
    mapConstraintErrors('refresh token', () => this.insertToken.run(fromRefreshToken(token)));
  }

  override async findRefreshToken(tokenHash: string): Promise<RefreshToken | null> {
    const row = this.tokenByHash.get(tokenHash);
    return row ? toRefreshToken(row) : null;
  }

  override async markRefreshTokenUsed(tokenHash: string, at: Date): Promise<boolean> {
    return this.useToken.run(at.getTime(), tokenHash).changes === 1;
  }
}
