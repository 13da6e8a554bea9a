import { randomInt } from 'node:crypto';
import { enforceRateLimit } from '../limits/rate-limit';
import { RateLimiter } from '../limits/rate-limiter.port';
import { enforceWriteLimit } from '../limits/write-limit';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainError, invalid } from '../shared/domain-error';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { renderVerificationEmail } from './digest-email';
import { hashEmailCode, readUnsubscribeToken, sameHash } from './email-tokens';
import { MailSender } from './mail-sender.port';
import {
  EMAIL_CODE_MAX_ATTEMPTS,
  EMAIL_CODE_TTL_MS,
  MAX_EMAIL_LENGTH,
  NotificationEmail,
  normalizeEmailAddress,
} from './notification-email';
import { NotificationRepository } from './notification.repository';

/** What the caller sees of their notification e-mail. */
export interface NotificationEmailView {
  /** Whether the server can send e-mail at all (SMTP_URL set). */
  available: boolean;
  address: string | null;
  verified: boolean;
  digestEnabled: boolean;
  /** Whether a verification code was mailed and is still valid. */
  codePending: boolean;
}

/**
 * A user's notification e-mail: set an address (a 6-digit code is mailed to it), verify it with
 * the code, switch digests on or off; and the sign-in-free unsubscribe link of the digests.
 */
@UseCase()
export class ManageNotificationEmail {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly mail: MailSender,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async get(actor: Actor): Promise<NotificationEmailView> {
    return this.view(await this.notifications.getNotificationEmail(actor.tenantId, actor.userId));
  }

  /**
   * Sets (or, with null, removes) the address and mails it a verification code. Setting the same
   * unverified address again mails a new code; a new address starts unverified.
   */
  async setAddress(actor: Actor, address: string | null): Promise<NotificationEmailView> {
    const { tenantId, userId } = actor;
    if (address === null) {
      await enforceWriteLimit(this.limiter, this.settings, actor);
      await this.notifications.saveNotificationEmail(tenantId, userId, null);
      return this.view(null);
    }
    this.requireMail();
    const normalized = normalizeEmailAddress(address);
    if (!normalized)
      throw invalid(
        'email',
        `email must be a plain address such as ada@example.com, at most ${MAX_EMAIL_LENGTH} characters`,
      );
    const current = await this.notifications.getNotificationEmail(tenantId, userId);
    if (current && current.address === normalized && current.verified) return this.view(current);
    await enforceRateLimit(
      this.limiter,
      `email-code:${tenantId}:${userId}`,
      this.settings.emailCodesPerUser,
      'verification e-mails',
    );
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const next: NotificationEmail = {
      tenantId,
      userId,
      address: normalized,
      verified: false,
      digestEnabled: current?.address === normalized ? current.digestEnabled : true,
      codeHash: hashEmailCode(this.settings.jwtSecret, tenantId, userId, normalized, code),
      codeExpiresAt: new Date(this.clock.now().getTime() + EMAIL_CODE_TTL_MS),
      codeAttempts: 0,
      lastDigestAt: current?.lastDigestAt ?? null,
    };
    await this.notifications.saveNotificationEmail(tenantId, userId, next);
    try {
      await this.mail.send(renderVerificationEmail(normalized, code));
    } catch {
      throw new DomainError('UNAVAILABLE', 'the verification e-mail could not be sent; try again');
    }
    return this.view(next);
  }

  /** Verifies the address with the mailed code; a wrong, expired or used-up code is refused. */
  async verify(actor: Actor, code: string): Promise<NotificationEmailView> {
    const { tenantId, userId } = actor;
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const current = await this.notifications.getNotificationEmail(tenantId, userId);
    if (current?.verified) return this.view(current);
    const now = this.clock.now().getTime();
    if (
      !current ||
      !current.codeHash ||
      !current.codeExpiresAt ||
      current.codeExpiresAt.getTime() <= now ||
      current.codeAttempts >= EMAIL_CODE_MAX_ATTEMPTS
    )
      throw invalid('code', 'no valid code is pending; ask for a new one');
    const given = typeof code === 'string' ? code.trim() : '';
    const ok =
      /^\d{6}$/.test(given) &&
      sameHash(
        hashEmailCode(this.settings.jwtSecret, tenantId, userId, current.address, given),
        current.codeHash,
      );
    if (!ok) {
      await this.notifications.saveNotificationEmail(tenantId, userId, {
        ...current,
        codeAttempts: current.codeAttempts + 1,
      });
      throw invalid('code', 'the code is wrong');
    }
    const verified: NotificationEmail = {
      ...current,
      verified: true,
      codeHash: null,
      codeExpiresAt: null,
      codeAttempts: 0,
    };
    await this.notifications.saveNotificationEmail(tenantId, userId, verified);
    return this.view(verified);
  }

  /** Switches digests on or off (needs an address; it may still be unverified). */
  async setDigest(actor: Actor, enabled: boolean): Promise<NotificationEmailView> {
    const { tenantId, userId } = actor;
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const current = await this.notifications.getNotificationEmail(tenantId, userId);
    if (!current) throw invalid('email', 'set an e-mail address first');
    const next = { ...current, digestEnabled: enabled === true };
    await this.notifications.saveNotificationEmail(tenantId, userId, next);
    if (!next.digestEnabled) await this.notifications.digestDone(tenantId, userId, null);
    return this.view(next);
  }

  /**
   * The digest's unsubscribe link (no sign-in): turns digests off for the signed user when the
   * signed address is still theirs. Idempotent; false only for a token this server did not sign.
   */
  async unsubscribe(token: unknown): Promise<boolean> {
    const claim = readUnsubscribeToken(this.settings.jwtSecret, token);
    if (!claim) return false;
    const current = await this.notifications.getNotificationEmail(claim.tenantId, claim.userId);
    if (current && current.address === claim.address && current.digestEnabled) {
      await this.notifications.saveNotificationEmail(claim.tenantId, claim.userId, {
        ...current,
        digestEnabled: false,
      });
      await this.notifications.digestDone(claim.tenantId, claim.userId, null);
    }
    return true;
  }

  private requireMail(): void {
    if (!this.mail.configured())
      throw new DomainError('FORBIDDEN', 'e-mail is not configured on this server');
  }

  private view(email: NotificationEmail | null): NotificationEmailView {
    const now = this.clock.now().getTime();
    return {
      available: this.mail.configured(),
      address: email?.address ?? null,
      verified: email?.verified ?? false,
      digestEnabled: email?.digestEnabled ?? false,
      codePending:
        !!email &&
        !email.verified &&
        email.codeExpiresAt !== null &&
        email.codeExpiresAt.getTime() > now &&
        email.codeAttempts < EMAIL_CODE_MAX_ATTEMPTS,
    };
  }
}
