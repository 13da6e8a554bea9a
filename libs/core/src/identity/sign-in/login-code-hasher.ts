import { createHmac, randomInt } from 'node:crypto';
import { CoreSettings } from '../../shared/settings';
import { DomainService } from '../../shared/domain-service';

/** Codes are stored only as keyed hashes bound to tenant and phone. */
@DomainService()
export class LoginCodeHasher {
  constructor(private readonly settings: CoreSettings) {}

  generate(): string {
    return randomInt(0, 1_000_000).toString().padStart(6, '0');
  }

  key(tenantId: string, phone: string): string {
    return `login:${tenantId}:${phone}`;
  }

  hash(tenantId: string, phone: string, code: string): string {
    return createHmac('sha256', `login-code:${this.settings.jwtSecret}`)
      .update(`${tenantId}\u0000${phone}\u0000${code}`)
      .digest('hex');
  }
}
