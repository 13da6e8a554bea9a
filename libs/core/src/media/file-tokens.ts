import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Clock } from '../shared/clock';
import { DomainError } from '../shared/domain-error';
import { CoreSettings } from '../shared/settings';
import { DomainService } from '../shared/domain-service';

/** What a file token lets its bearer do: upload the original, or read the original or thumbnail. */
export type FileTokenPurpose = 'upload' | 'download' | 'thumbnail';

export interface FileTokenClaims {
  purpose: FileTokenPurpose;
  tenantId: string;
  attachmentId: string;
  /** Who the token was issued to (checked again when it is used). */
  userId: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
}

const PURPOSES: Record<string, FileTokenPurpose> = {
  u: 'upload',
  d: 'download',
  t: 'thumbnail',
};

/**
 * Short-lived, signed capabilities for one file operation, carried in a URL (HMAC-SHA256 with a
 * key derived from the JWT secret). A token names its purpose, tenant, attachment, user and
 * expiry; any change to it breaks the signature.
 */
@DomainService()
export class FileTokens {
  private keyCache: Buffer | null = null;

  constructor(
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  issue(
    claims: Omit<FileTokenClaims, 'expiresAt'>,
    ttlSeconds: number,
  ): { token: string; expiresAt: Date } {
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + ttlSeconds;
    const purpose = Object.keys(PURPOSES).find((k) => PURPOSES[k] === claims.purpose)!;
    const payload = [purpose, claims.tenantId, claims.attachmentId, claims.userId, expiresAt].join(
      '.',
    );
    const body = Buffer.from(payload, 'utf8').toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The claims of a valid token for `purpose`; FORBIDDEN when forged or malformed, TOKEN_EXPIRED after expiry. */
  verify(token: unknown, purpose: FileTokenPurpose): FileTokenClaims {
    const bad = () => new DomainError('FORBIDDEN', 'this file link is not valid');
    if (typeof token !== 'string' || token.length > 512) throw bad();
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0) throw bad();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
    const parts = Buffer.from(body, 'base64url').toString('utf8').split('.');
    if (parts.length !== 5 || PURPOSES[parts[0]!] !== purpose) throw bad();
    const expiresAt = Number(parts[4]);
    if (!Number.isSafeInteger(expiresAt)) throw bad();
    if (expiresAt * 1000 <= this.clock.now().getTime()) {
      throw new DomainError('TOKEN_EXPIRED', 'this file link has expired; ask for a new one');
    }
    return { purpose, tenantId: parts[1]!, attachmentId: parts[2]!, userId: parts[3]!, expiresAt };
  }

  private sign(body: string): string {
    this.keyCache ??= createHash('sha256')
      .update(`chatter-file-tokens\0${this.settings.jwtSecret}`)
      .digest();
    return createHmac('sha256', this.keyCache).update(body).digest('base64url');
  }
}
