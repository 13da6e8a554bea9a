import type { RefreshToken, Session } from '@chatter/core';
import type { RefreshTokenRecord, SessionRecord } from '../schemas/session.schema';

export const toSession = (r: SessionRecord): Session => ({
  id: r._id,
  tenantId: r.tenantId,
  userId: r.userId,
  createdAt: r.createdAt,
  revokedAt: r.revokedAt ?? null,
});

export const fromSession = (s: Session): SessionRecord => ({
  _id: s.id,
  tenantId: s.tenantId,
  userId: s.userId,
  createdAt: s.createdAt,
  revokedAt: s.revokedAt,
});

export const toRefreshToken = (r: RefreshTokenRecord): RefreshToken => ({
  tokenHash: r._id,
  sessionId: r.sessionId,
  expiresAt: r.expiresAt,
  createdAt: r.createdAt,
  usedAt: r.usedAt ?? null,
});

export const fromRefreshToken = (t: RefreshToken): RefreshTokenRecord => ({
  _id: t.tokenHash,
  sessionId: t.sessionId,
  expiresAt: t.expiresAt,
  createdAt: t.createdAt,
  usedAt: t.usedAt,
});
