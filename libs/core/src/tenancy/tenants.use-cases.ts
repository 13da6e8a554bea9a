import { randomBytes } from 'node:crypto';
import { Clock } from '../shared/clock';
import { DomainError, invalid } from '../shared/domain-error';
import { checkText } from '../shared/text';
import { UseCase } from '../shared/use-case';
import { Authenticate } from '../identity/tokens/authenticate.use-case';
import { CreateConversations } from '../messaging/conversations/conversations.use-cases';
import { DEFAULT_TENANT, Tenant, TENANT_ID_PATTERN } from './tenant';
import { TenantRepository, TenantSettings } from './tenant.repository';
import { TenantSecretRotations } from './tenant-secret-rotations';

export const newSigningSecret = (): string => randomBytes(32).toString('base64url');

/** What `ensureDefault` found: the tenant, and whether a configured secret was set aside. */
export interface EnsuredDefaultTenant {
  tenant: Tenant;
  /**
   * True when DEFAULT_TENANT_SECRET differs from the stored secret: the stored one (rotated by an
   * operator) stays in force, since the configured one only seeds a new default tenant.
   */
  configuredSecretIgnored: boolean;
}

/** Operators' tenant administration (CLI and admin GraphQL). */

/** The longest attachment retention a tenant may set (about a hundred years). */
const MAX_RETENTION_DAYS = 36_500;
@UseCase()
export class ManageTenants {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly conversations: CreateConversations,
    private readonly auth: Authenticate,
    private readonly rotations: TenantSecretRotations,
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
      phoneSignUp: true,
      attachmentRetentionDays: null,
      createdAt: this.clock.now(),
    });
    await this.conversations.ensureGeneralChannel(tenant.id);
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  /**
   * Issues a new signing secret. Tokens signed with the old one stop working at once on every
   * instance, and sockets they opened are closed (through the bus; see TenantSecretRotations).
   */
  async rotateSecret(id: string): Promise<Tenant> {
    const tenant = await this.tenants.updateSigningSecret(id, newSigningSecret());
    if (!tenant) throw new DomainError('NOT_FOUND', 'tenant not found');
    this.auth.forgetTenant(tenant.id);
    await this.rotations.announce(tenant.id);
    return tenant;
  }

  /**
   * Changes a tenant's settings: phone sign-up on or off; attachment retention in days (1 to
   * 36500; null keeps files for good). A setting left undefined keeps its value.
   */
  async updateSettings(id: string, settings: Partial<TenantSettings>): Promise<Tenant> {
    const current = await this.tenants.findById(
      typeof id === 'string' && TENANT_ID_PATTERN.test(id) ? id : '',
    );
    if (!current) throw new DomainError('NOT_FOUND', 'tenant not found');
    const phoneSignUp = settings.phoneSignUp ?? current.phoneSignUp;
    if (typeof phoneSignUp !== 'boolean')
      throw invalid('phoneSignUp', 'phoneSignUp must be true or false');
    const attachmentRetentionDays =
      settings.attachmentRetentionDays === undefined
        ? current.attachmentRetentionDays
        : settings.attachmentRetentionDays;
    if (
      attachmentRetentionDays !== null &&
      !(
        Number.isInteger(attachmentRetentionDays) &&
        attachmentRetentionDays >= 1 &&
        attachmentRetentionDays <= MAX_RETENTION_DAYS
      )
    )
      throw invalid(
        'attachmentRetentionDays',
        `attachmentRetentionDays must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null`,
      );
    const updated = await this.tenants.updateSettings(current.id, {
      phoneSignUp,
      attachmentRetentionDays,
    });
    if (!updated) throw new DomainError('NOT_FOUND', 'tenant not found');
    return updated;
  }

  /**
   * The default tenant and its general channel exist out of the box. A configured signing secret
   * only seeds the tenant when it is created: once stored, the secret changes only by rotation,
   * so a restart with the old DEFAULT_TENANT_SECRET never undoes a rotation.
   */
  async ensureDefault(signingSecret: string | null): Promise<EnsuredDefaultTenant> {
    let tenant = await this.tenants.findById(DEFAULT_TENANT);
    if (!tenant) {
      try {
        tenant = await this.tenants.create({
          id: DEFAULT_TENANT,
          name: 'Default',
          signingSecret: signingSecret ?? newSigningSecret(),
          phoneSignUp: true,
          attachmentRetentionDays: null,
          createdAt: this.clock.now(),
        });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
        tenant = await this.tenants.findById(DEFAULT_TENANT);
        if (!tenant) throw error;
      }
    }
    await this.conversations.ensureGeneralChannel(tenant.id);
    return {
      tenant,
      configuredSecretIgnored: signingSecret !== null && tenant.signingSecret !== signingSecret,
    };
  }
}
