import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, forbidden, notFound } from '../../shared/domain-error';
import { TenantId } from '../../shared/ids';
import { UseCase } from '../../shared/use-case';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { TenantRoleRepository } from '../../moderation/tenant-role.repository';
import { tenantRoleCan } from '../../moderation/permissions';
import { OidcProviderConfig } from './oidc';
import { OidcRepository } from './oidc.repository';
import { checkProviderId, checkProviderInput, OidcProviderInput } from './oidc-provider-input';

/** Sign-in providers one tenant may have (the sign-in page lists them all). */
export const MAX_OIDC_PROVIDERS = 20;

/** What the sign-in page shows of a provider: nothing secret, nothing internal. */
export interface OidcProviderSummary {
  id: string;
  displayName: string;
}

/**
 * Configuring a tenant's OpenID Connect providers: operators for any tenant, a tenant's owners
 * for their own (those who hold `tenant.owners.manage`). The client secret is write-only.
 */
@UseCase()
export class ManageOidcProviders {
  constructor(
    private readonly oidc: OidcRepository,
    private readonly tenants: TenantRepository,
    private readonly roles: TenantRoleRepository,
    private readonly clock: Clock,
  ) {}

  /** Operators only (the caller checked the operator credential). */
  async setAsOperator(tenantId: string, input: OidcProviderInput): Promise<OidcProviderConfig> {
    return this.save(await this.tenantOf(tenantId), input);
  }

  async removeAsOperator(tenantId: string, id: string): Promise<boolean> {
    return this.oidc.removeProvider(await this.tenantOf(tenantId), checkProviderId(id));
  }

  async listAsOperator(tenantId: string): Promise<OidcProviderConfig[]> {
    return this.oidc.listProviders(await this.tenantOf(tenantId));
  }

  async set(actor: Actor, input: OidcProviderInput): Promise<OidcProviderConfig> {
    await this.assertManager(actor);
    return this.save(actor.tenantId, input);
  }

  async remove(actor: Actor, id: string): Promise<boolean> {
    await this.assertManager(actor);
    return this.oidc.removeProvider(actor.tenantId, checkProviderId(id));
  }

  async list(actor: Actor): Promise<OidcProviderConfig[]> {
    await this.assertManager(actor);
    return this.oidc.listProviders(actor.tenantId);
  }

  /** The providers of the caller's own tenant, names only (to link one from settings). */
  async linkable(actor: Actor): Promise<OidcProviderSummary[]> {
    const providers = await this.oidc.listProviders(actor.tenantId);
    return providers.map((p) => ({ id: p.id, displayName: p.displayName }));
  }

  /** For the sign-in page: names only. An unknown tenant has none. */
  async publicList(tenant: string | null | undefined): Promise<OidcProviderSummary[]> {
    const tenantId = tenant ?? 'default';
    if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) return [];
    const providers = await this.oidc.listProviders(tenantId);
    return providers.map((p) => ({ id: p.id, displayName: p.displayName }));
  }

  private async save(tenantId: TenantId, raw: OidcProviderInput): Promise<OidcProviderConfig> {
    const input = checkProviderInput(raw);
    const current = await this.oidc.findProvider(tenantId, input.id);
    if (!current && (await this.oidc.listProviders(tenantId)).length >= MAX_OIDC_PROVIDERS)
      throw new DomainError(
        'CONFLICT',
        `a tenant has at most ${MAX_OIDC_PROVIDERS} sign-in providers`,
        { field: 'id' },
      );
    const now = this.clock.now();
    const clientSecret = input.clientSecret ?? current?.clientSecret;
    if (clientSecret === undefined)
      throw new DomainError(
        'VALIDATION_FAILED',
        'a new provider needs clientSecret ("" for a public client)',
        {
          field: 'clientSecret',
        },
      );
    return this.oidc.saveProvider({
      tenantId,
      id: input.id,
      displayName: input.displayName,
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecret,
      allowedDomains: input.allowedDomains,
      autoLinkVerifiedEmail: input.autoLinkVerifiedEmail ?? current?.autoLinkVerifiedEmail ?? false,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    });
  }

  private async tenantOf(tenantId: string): Promise<TenantId> {
    const tenant =
      typeof tenantId === 'string' && TENANT_ID_PATTERN.test(tenantId)
        ? await this.tenants.findById(tenantId)
        : null;
    if (!tenant) throw notFound('tenant');
    return tenant.id;
  }

  private async assertManager(actor: Actor): Promise<void> {
    const grant = await this.roles.find(actor.tenantId, actor.userId);
    if (!tenantRoleCan(grant?.role ?? null, 'tenant.owners.manage'))
      throw forbidden('only tenant owners can configure sign-in providers');
  }
}
