import { EventBus } from '../events/event-bus.port';
import { UseCase } from '../shared/use-case';
import { Authenticate } from '../identity/tokens/authenticate.use-case';
import { TENANT_ID_PATTERN } from './tenant';

/**
 * One bus topic for tenant-level control events, listened to by every instance. Tenant ids never
 * start with `_`, so it cannot collide with a tenant's `chatter.<tenant>.*` topics.
 */
export const TENANT_CONTROL_TOPIC = 'chatter._tenants.control';

export interface TenantSecretRotated {
  /** A rotated signing secret, or a revoked bot token: either way the tenant's sessionless tokens are checked again. */
  type: 'TENANT_SECRET_ROTATED' | 'BOT_REVOKED';
  tenantId: string;
}

/** Parses a control payload; null for anything else (unknown kinds are ignored, not fatal). */
export function decodeTenantSecretRotated(payload: string): TenantSecretRotated | null {
  try {
    const value = JSON.parse(payload) as Partial<TenantSecretRotated> | null;
    if (
      (value?.type === 'TENANT_SECRET_ROTATED' || value?.type === 'BOT_REVOKED') &&
      typeof value.tenantId === 'string' &&
      TENANT_ID_PATTERN.test(value.tenantId)
    ) {
      return { type: value.type, tenantId: value.tenantId };
    }
  } catch {
    // fall through
  }
  return null;
}

/**
 * Tells every instance that a tenant's signing secret changed, so each forgets the tokens it
 * verified with the old secret and ends the sockets that authenticated with them.
 */
@UseCase()
export class TenantSecretRotations {
  constructor(
    private readonly bus: EventBus,
    private readonly auth: Authenticate,
  ) {}

  /**
   * Publishes the rotation, at-most-once like every bus event. Answers false when the bus refused
   * it: the new secret is stored either way (HTTP refuses old tokens everywhere within seconds),
   * but sockets on other instances then live until their token expires.
   */
  async announce(tenantId: string): Promise<boolean> {
    return this.publish({ type: 'TENANT_SECRET_ROTATED', tenantId });
  }

  /** Same as `announce`, for a revoked bot token: its sockets are closed on every instance. */
  async announceBotRevoked(tenantId: string): Promise<boolean> {
    return this.publish({ type: 'BOT_REVOKED', tenantId });
  }

  private async publish(event: TenantSecretRotated): Promise<boolean> {
    try {
      await this.bus.publish(TENANT_CONTROL_TOPIC, JSON.stringify(event));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Listens for rotations from any instance (this one included): cached verifications of the
   * tenant are dropped first, then `onRotated` runs. Resolves once the listener is active.
   */
  listen(onRotated: (tenantId: string) => void): Promise<() => Promise<void>> {
    return this.bus.subscribe(TENANT_CONTROL_TOPIC, (payload) => {
      const event = decodeTenantSecretRotated(payload);
      if (!event) return;
      this.auth.forgetTenant(event.tenantId);
      onRotated(event.tenantId);
    });
  }
}
