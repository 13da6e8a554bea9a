import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, forbidden, notFound } from '../../shared/domain-error';
import { TenantId } from '../../shared/ids';
import { UseCase } from '../../shared/use-case';
import { TenantRepository } from '../../tenancy/tenant.repository';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { TenantRoleRepository } from '../../moderation/tenant-role.repository';
import { tenantRoleCan } from '../../moderation/permissions';
import { AuditTrail } from '../../moderation/audit-trail';
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
    private readonly audit: AuditTrail,
  ) {}

  /** Operators only (the caller checked the operator credential). */
  async setAsOperator(tenantId: string, input: OidcProviderInput): Promise<OidcProviderConfig> {
    return this.save(await this.tenantOf(tenantId), input, null);
  }

  async removeAsOperator(tenantId: string, id: string): Promise<boolean> {
    return this.removeFrom(await this.tenantOf(tenantId), id, null);
  }

  async listAsOperator(tenantId: string): Promise<OidcProviderConfig[]> {
    return this.oidc.listProviders(await this.tenantOf(tenantId));
  }

  async set(actor: Actor, input: OidcProviderInput): Promise<OidcProviderConfig> {
    await this.assertManager(actor);
    return this.save(actor.tenantId, input, actor.userId);
  }

  async remove(actor: Actor, id: string): Promise<boolean> {
    await this.assertManager(actor);
    return this.removeFrom(actor.tenantId, id, actor.userId);
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

  /** Removes a provider; a removal that changed something is audited (null actor: an operator). */
  private async removeFrom(tenantId: TenantId, rawId: string, by: string | null): Promise<boolean> {
    const id = checkProviderId(rawId);
    const removed = await this.oidc.removeProvider(tenantId, id);
    if (removed)
      await this.audit.record({
        tenantId,
        actorId: by,
        action: 'OIDC_PROVIDER_REMOVED',
        details: { providerId: id },
      });
    return removed;
  }

  private async save(
    tenantId: TenantId,
    raw: OidcProviderInput,
    by: string | null,
  ): Promise<OidcProviderConfig> {
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
    const saved = await this.oidc.saveProvider({
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
    // Who changed sign-in, and to what (never the client secret, only whether it changed).
    await this.audit.record({
      tenantId,
      actorId: by,
      action: 'OIDC_PROVIDER_SAVED',
      details: {
        providerId: saved.id,
        created: !current,
        issuer: saved.issuer,
        clientId: saved.clientId,
        allowedDomains: saved.allowedDomains.join(','),
        autoLinkVerifiedEmail: saved.autoLinkVerifiedEmail,
        clientSecretChanged: input.clientSecret !== undefined,
      },
    });
    return saved;
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
