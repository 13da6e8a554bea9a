import { Clock } from '../../shared/clock';
import { DomainError } from '../../shared/domain-error';
import { UseCase } from '../../shared/use-case';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { SessionRepository } from '../session.repository';
import { UserRepository } from '../user.repository';
import { AuthResult, SessionIssuer } from './session-issuer';
import { Authenticate } from './authenticate.use-case';
import { sha256 } from './token.service';

/** Rotates a refresh token. Presenting a used token again revokes its whole session. */
@UseCase()
export class RefreshSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly issuer: SessionIssuer,
    private readonly publisher: RealtimePublisher,
    private readonly auth: Authenticate,
    private readonly clock: Clock,
  ) {}

  async execute(refreshToken: string): Promise<AuthResult> {
    const now = this.clock.now();
    if (typeof refreshToken !== 'string' || refreshToken.length < 20 || refreshToken.length > 200) {
      throw new DomainError('UNAUTHENTICATED', 'invalid refresh token');
    }
    const hash = sha256(refreshToken);
    const token = await this.sessions.findRefreshToken(hash);
    if (!token) throw new DomainError('UNAUTHENTICATED', 'invalid refresh token');
    const session = await this.sessions.findSession(token.sessionId);
    if (!session || session.revokedAt)
      throw new DomainError('TOKEN_REVOKED', 'session was revoked');
    if (token.expiresAt <= now) throw new DomainError('TOKEN_EXPIRED', 'refresh token expired');
    const won = await this.sessions.markRefreshTokenUsed(hash, now);
    if (!won) {
      // Reuse: somebody holds a copy of a rotated token. End the session everywhere.
      await this.sessions.revokeSession(session.id, now);
      this.auth.forgetSession(session.id);
      await this.publisher.toUser(session.userId, {
        type: 'SESSION_REVOKED',
        tenantId: session.tenantId,
        userId: session.userId,
        sessionId: session.id,
      });
      throw new DomainError('TOKEN_REVOKED', 'refresh token reuse detected: session revoked');
    }
    const user = await this.users.findById(session.tenantId, session.userId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'user no longer exists');
    return this.issuer.issue(user, session.id, now);
  }
}

/** Ends the session a refresh token belongs to; its access tokens stop working at once. */
@UseCase()
export class Logout {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly publisher: RealtimePublisher,
    private readonly auth: Authenticate,
    private readonly clock: Clock,
  ) {}

  async execute(refreshToken: string): Promise<boolean> {
    if (typeof refreshToken !== 'string' || refreshToken.length > 200) return false;
    const token = await this.sessions.findRefreshToken(sha256(refreshToken));
    if (!token) return false;
    const session = await this.sessions.findSession(token.sessionId);
    if (!session) return false;
    await this.sessions.revokeSession(session.id, this.clock.now());
    this.auth.forgetSession(session.id);
    await this.publisher.toUser(session.userId, {
      type: 'SESSION_REVOKED',
      tenantId: session.tenantId,
      userId: session.userId,
      sessionId: session.id,
    });
    return true;
  }
}
