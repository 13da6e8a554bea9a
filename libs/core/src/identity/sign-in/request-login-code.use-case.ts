import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { LoginCodeStore, RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';
import { SmsSender } from '../sms-sender.port';
import { normalizePhone } from '../phone';
import { LoginCodeHasher } from './login-code-hasher';
import { resolveTenant } from './tenant-guard';

export interface RequestLoginCodeResult {
  sent: true;
  expiresInSeconds: number;
}

/**
 * Sends a one-time code. It never looks the number up, so the answer and its timing are the
 * same for registered and unknown numbers.
 */
@UseCase()
export class RequestLoginCode {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly codes: LoginCodeStore,
    private readonly limiter: RateLimiter,
    private readonly sms: SmsSender,
    private readonly hasher: LoginCodeHasher,
    private readonly settings: CoreSettings,
  ) {}

  async execute(input: { phone: string; tenant?: string | null; clientIp: string }): Promise<RequestLoginCodeResult> {
    const tenant = await resolveTenant(this.tenants, input.tenant);
    const phone = normalizePhone(input.phone);
    await enforceRateLimit(this.limiter, `code:ip:${input.clientIp}`, this.settings.codesPerIp, 'code requests from this address');
    await enforceRateLimit(this.limiter, `code:phone:${tenant.id}:${phone}`, this.settings.codesPerPhone, 'code requests for this number');
    const code = this.hasher.generate();
    await this.codes.put(this.hasher.key(tenant.id, phone), this.hasher.hash(tenant.id, phone, code), this.settings.loginCodeTtlMs);
    const minutes = Math.round(this.settings.loginCodeTtlMs / 60_000);
    await this.sms.send({
      to: phone,
      code,
      tenant: tenant.id,
      text: `Your Chatter code is ${code}. It expires in ${minutes} minutes. Never share it.`,
    });
    return { sent: true, expiresInSeconds: Math.round(this.settings.loginCodeTtlMs / 1000) };
  }
}
