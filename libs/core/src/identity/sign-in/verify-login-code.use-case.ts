import { Clock } from '../../shared/clock';
import { DomainError } from '../../shared/domain-error';
import { newId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { LoginCodeStore, RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';
import { addressGroup } from '../../limits/address-group';
import { UserRepository } from '../user.repository';
import { User } from '../user';
import { normalizePhone } from '../phone';
import { AuthResult, SessionIssuer } from '../tokens/session-issuer';
import { LoginCodeHasher } from './login-code-hasher';
import { signInTenantId } from './tenant-guard';

/** Signs up (a name is required the first time) or logs in with a one-time code. */
@UseCase()
export class VerifyLoginCode {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly codes: LoginCodeStore,
    private readonly limiter: RateLimiter,
    private readonly hasher: LoginCodeHasher,
    private readonly issuer: SessionIssuer,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async execute(input: {
    phone: string;
    code: string;
    name?: string | null;
    tenant?: string | null;
    clientIp: string;
  }): Promise<AuthResult> {
    const tenantId = signInTenantId(input.tenant);
    const phone = normalizePhone(input.phone);
    // Validate the name before the code is spent, so a bad name costs no attempt.
    const name =
      input.name === undefined || input.name === null
        ? null
        : checkText('name', input.name, { min: 1, max: 64 });
    await enforceRateLimit(
      this.limiter,
      `verify:ip:${addressGroup(input.clientIp)}`,
      this.settings.verifyPerIp,
      'sign-in attempts from this address',
    );
    const code = typeof input.code === 'string' && input.code.length <= 16 ? input.code.trim() : '';
    // An unknown tenant has no codes: it answers "expired" through the same path as a known one.
    const key = this.hasher.key(tenantId, phone);
    const hash = this.hasher.hash(tenantId, phone, code);
    const outcome = await this.codes.attempt(key, hash, this.settings.loginCodeMaxAttempts);
    switch (outcome) {
      case 'ok':
        break;
      case 'mismatch':
        throw new DomainError('LOGIN_CODE_INVALID', 'the code is not correct');
      case 'burned':
        throw new DomainError('LOGIN_CODE_EXPIRED', 'too many wrong codes: request a new one');
      case 'missing':
        throw new DomainError(
          'LOGIN_CODE_EXPIRED',
          'the code expired or was already used: request a new one',
        );
    }
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant)
      throw new DomainError(
        'LOGIN_CODE_EXPIRED',
        'the code expired or was already used: request a new one',
      );
    let user = await this.users.findByPhone(tenant.id, phone);
    if (!user) {
      // Codes go only to registered numbers then; this one signed up while the setting changed.
      if (!tenant.phoneSignUp)
        throw new DomainError('FORBIDDEN', 'phone sign-up is turned off for this tenant');
      if (!name) {
        // The code was right: keep it usable so the client can resend it with a name.
        await this.codes.put(key, hash, this.settings.loginCodeTtlMs);
        throw new DomainError('NAME_REQUIRED', 'a name is required to create the account', {
          field: 'name',
        });
      }
      user = await this.createUser(tenant.id, phone, name);
    }
    return this.issuer.open(user);
  }

  private async createUser(tenantId: string, phone: string, name: string): Promise<User> {
    const now = this.clock.now();
    try {
      return await this.users.create({
        id: newId(),
        tenantId,
        phone,
        externalId: null,
        isBot: false,
        name,
        avatarUrl: null,
        statusText: null,
        statusEmoji: null,
        presencePrivacy: 'EVERYONE',
        lastSeenAt: null,
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      // Two concurrent sign-ups of one number: the first wins, the second logs in.
      if (error instanceof DomainError && error.code === 'CONFLICT') {
        const existing = await this.users.findByPhone(tenantId, phone);
        if (existing) return existing;
      }
      throw error;
    }
  }
}
