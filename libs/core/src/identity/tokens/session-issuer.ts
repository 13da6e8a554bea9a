import { Clock } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { DomainService } from '../../shared/domain-service';
import { SessionRepository } from '../session.repository';
import { User } from '../user';
import { randomToken, sha256, TokenService } from './token.service';
import { AccountStanding } from '../../moderation/account-standing';

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
}

/** Opens sessions and mints token pairs. */
@DomainService()
export class SessionIssuer {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly standing: AccountStanding,
  ) {}

  async open(user: User): Promise<AuthResult> {
    await this.standing.assertActive(user.tenantId, user.id);
    const now = this.clock.now();
    const sessionId = newId();
    await this.sessions.createSession({
      id: sessionId,
      tenantId: user.tenantId,
      userId: user.id,
      createdAt: now,
      revokedAt: null,
    });
    return this.issue(user, sessionId, now);
  }

  /** Refused (ACCOUNT_SUSPENDED, ACCOUNT_BANNED) while a sanction is in force. */
  async issue(user: User, sessionId: string, now: Date): Promise<AuthResult> {
    await this.standing.assertActive(user.tenantId, user.id);
    const refreshToken = randomToken();
    await this.sessions.addRefreshToken({
      tokenHash: sha256(refreshToken),
      sessionId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.refreshTokenTtlDays * 86_400_000),
      usedAt: null,
    });
    const access = await this.tokens.signAccess(
      { tenantId: user.tenantId, userId: user.id, sessionId },
      now,
    );
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user };
  }
}
