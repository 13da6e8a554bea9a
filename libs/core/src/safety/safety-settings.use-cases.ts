import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { forbidden, notFound } from '../shared/domain-error';
import { TenantId, UserId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { RateLimiter } from '../limits/rate-limiter.port';
import { enforceWriteLimit } from '../limits/write-limit';
import { TenantRepository } from '../tenancy/tenant.repository';
import { AuditTrail } from '../moderation/audit-trail';
import { tenantRoleCan } from '../moderation/permissions';
import { TenantRoleRepository } from '../moderation/tenant-role.repository';
import {
  applySafetyChange,
  defaultSafetySettings,
  SafetySettingsChange,
  sameKinds,
  TenantSafetySettings,
} from './safety-settings';
import { SafetySettingsRepository } from './safety-settings.repository';
import { TenantSafety } from './tenant-safety';

/**
 * Reading and changing a tenant's safety settings (word filter, message retention, who may create
 * channels, which kinds of file members may share): its owners and admins (`tenant.safety.manage`) for their own tenant, operators for
 * any. Every change is recorded in the audit log.
 */
@UseCase()
export class ManageSafetySettings {
  constructor(
    private readonly repository: SafetySettingsRepository,
    private readonly roles: TenantRoleRepository,
    private readonly tenants: TenantRepository,
    private readonly safety: TenantSafety,
    private readonly audit: AuditTrail,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async get(actor: Actor): Promise<TenantSafetySettings> {
    await this.allowed(actor);
    return this.current(actor.tenantId);
  }

  async update(actor: Actor, change: SafetySettingsChange): Promise<TenantSafetySettings> {
    await this.allowed(actor);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    return this.apply(actor.tenantId, change, actor.userId);
  }

  /** Operators only (the caller checked the operator credential). */
  async getAsOperator(tenantId: string): Promise<TenantSafetySettings> {
    await this.tenantExists(tenantId);
    return this.current(tenantId);
  }

  /** Operators only (the caller checked the operator credential). */
  async updateAsOperator(
    tenantId: string,
    change: SafetySettingsChange,
  ): Promise<TenantSafetySettings> {
    await this.tenantExists(tenantId);
    return this.apply(tenantId, change, null);
  }

  private async allowed(actor: Actor): Promise<void> {
    const mine = await this.roles.find(actor.tenantId, actor.userId);
    if (!tenantRoleCan(mine?.role ?? null, 'tenant.safety.manage'))
      throw forbidden('only tenant owners and admins can see and change safety settings');
  }

  private async tenantExists(tenantId: string): Promise<void> {
    if (typeof tenantId !== 'string' || !(await this.tenants.findById(tenantId)))
      throw notFound('tenant');
  }

  private async current(tenantId: TenantId): Promise<TenantSafetySettings> {
    return (await this.repository.find(tenantId)) ?? defaultSafetySettings(tenantId);
  }

  private async apply(
    tenantId: TenantId,
    change: SafetySettingsChange,
    by: UserId | null,
  ): Promise<TenantSafetySettings> {
    const before = await this.current(tenantId);
    const next = applySafetyChange(before, change);
    const wordsChanged =
      next.filterWords.length !== before.filterWords.length ||
      next.filterWords.some((w, i) => w !== before.filterWords[i]);
    const changed =
      wordsChanged ||
      next.wordFilterMode !== before.wordFilterMode ||
      next.messageRetentionDays !== before.messageRetentionDays ||
      next.channelCreation !== before.channelCreation ||
      !sameKinds(next.allowedAttachmentKinds, before.allowedAttachmentKinds);
    if (!changed) return before;
    const saved = await this.repository.save({
      ...next,
      updatedBy: by,
      updatedAt: this.clock.now(),
    });
    this.safety.invalidate(tenantId);
    // The words themselves stay out of the log (a list of slurs is not an audit fact); their count
    // and whether they changed are in.
    await this.audit.record({
      tenantId,
      actorId: by,
      action: 'SAFETY_SETTINGS_CHANGED',
      details: {
        wordFilterMode: saved.wordFilterMode,
        previousWordFilterMode: before.wordFilterMode,
        filterWordCount: saved.filterWords.length,
        filterWordsChanged: wordsChanged,
        messageRetentionDays: saved.messageRetentionDays,
        previousMessageRetentionDays: before.messageRetentionDays,
        channelCreation: saved.channelCreation,
        previousChannelCreation: before.channelCreation,
        allowedAttachmentKinds: saved.allowedAttachmentKinds.join(' '),
        previousAllowedAttachmentKinds: before.allowedAttachmentKinds.join(' '),
      },
    });
    return saved;
  }
}
