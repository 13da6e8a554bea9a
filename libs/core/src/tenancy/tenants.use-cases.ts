import { randomBytes } from 'node:crypto';
import { Clock } from '../shared/clock';
import { DomainError, invalid } from '../shared/domain-error';
import { checkText } from '../shared/text';
import { UseCase } from '../shared/use-case';
import { Authenticate } from '../identity/tokens/authenticate.use-case';
import { CreateConversations } from '../messaging/conversations/conversations.use-cases';
import { DEFAULT_TENANT, Tenant, TENANT_ID_PATTERN } from './tenant';
import { TenantRepository } from './tenant.repository';

export const newSigningSecret = (): string => randomBytes(32).toString('base64url');

/** Operators' tenant administration (CLI and admin GraphQL). */
@UseCase()
export class ManageTenants {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly conversations: CreateConversations,
    private readonly auth: Authenticate,
    private readonly clock: Clock,
  ) {}

  async create(id: string, name: string): Promise<Tenant> {
    if (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id)) {
      throw invalid('id', 'tenant id must be 1–40 lowercase letters, digits or dashes');
    }
    const tenant = await this.tenants.create({
      id,
      name: checkText('name', name, { min: 1, max: 100 }),
      signingSecret: newSigningSecret(),
      createdAt: this.clock.now(),
    });
    await this.conversations.ensureGeneralChannel(tenant.id);
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  async rotateSecret(id: string): Promise<Tenant> {
    const tenant = await this.tenants.updateSigningSecret(id, newSigningSecret());
    if (!tenant) throw new DomainError('NOT_FOUND', 'tenant not found');
    this.auth.forgetTenant(tenant.id);
    return tenant;
  }

  /** The default tenant and its general channel exist out of the box. */
  async ensureDefault(signingSecret: string | null): Promise<Tenant> {
    let tenant = await this.tenants.findById(DEFAULT_TENANT);
    if (!tenant) {
      try {
        tenant = await this.tenants.create({
          id: DEFAULT_TENANT,
          name: 'Default',
          signingSecret: signingSecret ?? newSigningSecret(),
          createdAt: this.clock.now(),
        });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
        tenant = await this.tenants.findById(DEFAULT_TENANT);
        if (!tenant) throw error;
      }
    }
    if (signingSecret && tenant.signingSecret !== signingSecret) {
      tenant = (await this.tenants.updateSigningSecret(DEFAULT_TENANT, signingSecret)) ?? tenant;
    }
    await this.conversations.ensureGeneralChannel(tenant.id);
    return tenant;
  }
}
