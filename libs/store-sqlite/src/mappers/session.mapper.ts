import { RefreshToken, Session } from '@chatter/core';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from '../time';

export interface SessionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  created_at: number;
  revoked_at: number | null;
}

export interface RefreshTokenRow {
  token_hash: string;
  session_id: string;
  expires_at: number;
  created_at: number;
  used_at: number | null;
}

export const toSession = (row: SessionRow): Session => ({
  id: row.id,
  tenantId: row.tenant_id,
  userId: row.user_id,
  createdAt: fromMs(row.created_at),
  revokedAt: fromMsOrNull(row.revoked_at),
});

export const fromSession = (session: Session): SessionRow => ({
  id: session.id,
  tenant_id: session.tenantId,
  user_id: session.userId,
  created_at: toMs(session.createdAt),
  revoked_at: toMsOrNull(session.revokedAt),
});

export const toRefreshToken = (row: RefreshTokenRow): RefreshToken => ({
  tokenHash: row.token_hash,
  sessionId: row.session_id,
  expiresAt: fromMs(row.expires_at),
  createdAt: fromMs(row.created_at),
  usedAt: fromMsOrNull(row.used_at),
});

export const fromRefreshToken = (token: RefreshToken): RefreshTokenRow => ({
  token_hash: token.tokenHash,
  session_id: token.sessionId,
  expires_at: toMs(token.expiresAt),
  created_at: toMs(token.createdAt),
  used_at: toMsOrNull(token.usedAt),
});
