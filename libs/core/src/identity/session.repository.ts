import { TenantId, UserId } from '../shared/ids';

/** A sign-in on one device: the family of its rotating refresh tokens. */
export interface Session {
  id: string;
  tenantId: TenantId;
  userId: UserId;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface RefreshToken {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  sessionId: string;
  expiresAt: Date;
  createdAt: Date;
  /** Set once when the token is exchanged; a second exchange is reuse. */
  usedAt: Date | null;
}

/** Sessions and their refresh tokens. */
export abstract class SessionRepository {
  abstract createSession(session: Session): Promise<void>;
  abstract findSession(id: string): Promise<Session | null>;
  /** Idempotent; keeps the first revocation time. */
  abstract revokeSession(id: string, at: Date): Promise<void>;
  /** Revokes every live session of the user; returns the ids of those it revoked now. */
  abstract revokeUserSessions(tenantId: string, userId: string, at: Date): Promise<string[]>;
  abstract addRefreshToken(token: RefreshToken): Promise<void>;
  abstract findRefreshToken(tokenHash: string): Promise<RefreshToken | null>;
  /**
   * Atomically marks the token used if it was unused. Returns true for the one caller that
   * won; false when it had been used already (reuse) or does not exist.
   */
  abstract markRefreshTokenUsed(tokenHash: string, at: Date): Promise<boolean>;
}
