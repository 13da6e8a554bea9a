import { Actor } from '../shared/actor';
import { forbidden } from '../shared/domain-error';
import { DomainService } from '../shared/domain-service';
import { tenantRoleCan } from '../moderation/permissions';
import { TenantRoleRepository } from '../moderation/tenant-role.repository';
import { TenantSafety } from './tenant-safety';

/** Who may create public channels: everyone, or (when the tenant says so) its owners and admins. */
@DomainService()
export class ChannelCreationRule {
  constructor(
    private readonly safety: TenantSafety,
    private readonly roles: TenantRoleRepository,
  ) {}

  async check(actor: Actor): Promise<void> {
    const { channelCreation } = await this.safety.settings(actor.tenantId);
    if (channelCreation === 'EVERYONE') return;
    const grant = await this.roles.find(actor.tenantId, actor.userId);
    if (!tenantRoleCan(grant?.role ?? null, 'channels.create.restricted'))
      throw forbidden('only tenant owners and admins can create channels in this community');
  }
}
