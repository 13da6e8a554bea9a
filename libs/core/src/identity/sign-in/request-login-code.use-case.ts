import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { LoginCodeStore, RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';
import { addressGroup } from '../../limits/address-group';
import { SmsSender } from '../sms-sender.port';
import { UserRepository } from '../user.repository';
import { normalizePhone } from '../phone';
import { LoginCodeHasher } from './login-code-hasher';
import { signInTenantId } from './tenant-guard';

export interface RequestLoginCodeResult {
  sent: true;
  expiresInSeconds: number;
}

/**
 * Sends a one-time code. Every limit runs before the tenant is looked up, and the answer is the
 * same for registered and unknown numbers and for existing and unknown tenants (an unknown
 * tenant is sent nothing). Limits: per client address (IPv6 by /64), per number, then the
 * tenant's and the deployment's SMS budgets. A tenant with phone sign-up off sends codes only to
 * numbers that already have an account.
 */
@UseCase()
export class RequestLoginCode {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly codes: LoginCodeStore,
    private readonly limiter: RateLimiter,
    private readonly sms: SmsSender,
    private readonly hasher: LoginCodeHasher,
    private readonly settings: CoreSettings,
  ) {}

  async execute(input: {
    phone: string;
    tenant?: string | null;
    clientIp: string;
  }): Promise<RequestLoginCodeResult> {
    const tenantId = signInTenantId(input.tenant);
    const phone = normalizePhone(input.phone);
    const s = this.settings;
    await enforceRateLimit(
      this.limiter,
      `code:ip:${addressGroup(input.clientIp)}`,
      s.codesPerIp,
      'code requests from this address',
    );
    await enforceRateLimit(
      this.limiter,
      `code:phone:${tenantId}:${phone}`,
      s.codesPerPhone,
      'code requests for this number',
    );
    await enforceRateLimit(
      this.limiter,
      `sms:tenant:${tenantId}`,
      s.smsPerTenant,
      'code requests for this tenant',
    );
    await enforceRateLimit(this.limiter, 'sms:global', s.smsGlobal, 'code requests');
    const result: RequestLoginCodeResult = {
      sent: true,
      expiresInSeconds: Math.round(s.loginCodeTtlMs / 1000),
    };
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) return result;
    if (!tenant.phoneSignUp && !(await this.users.findByPhone(tenant.id, phone))) return result;
    const code = this.hasher.generate();
    await this.codes.put(
      this.hasher.key(tenant.id, phone),
      this.hasher.hash(tenant.id, phone, code),
      s.loginCodeTtlMs,
    );
    const minutes = Math.round(s.loginCodeTtlMs / 60_000);
    await this.sms.send({
      to: phone,
      purpose: 'login-code',
      code,
      tenant: tenant.id,
      text: `Your Chatter code is ${code}. It expires in ${minutes} minutes. Never share it.`,
    });
    return result;
  }
}
