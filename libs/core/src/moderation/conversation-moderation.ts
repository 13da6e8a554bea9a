import { Actor } from '../shared/actor';
import { DomainService } from '../shared/domain-service';
import { Conversation, Member } from '../messaging/conversation';
import {
  ConversationPermission,
  memberRoleCan,
  tenantModeratorCan,
  tenantRoleCan,
} from './permissions';
import { TenantRoleRepository } from './tenant-role.repository';

/**
 * Who may moderate a conversation: its members by their role, and in public channels also the
 * tenant's owners and admins (`channels.moderate`), member or not.
 */
@DomainService()
export class ConversationModeration {
  constructor(private readonly tenantRoles: TenantRoleRepository) {}

  async can(
    actor: Actor,
    conversation: Conversation,
    member: Member | null,
    permission: ConversationPermission,
  ): Promise<boolean> {
    if (conversation.tenantId !== actor.tenantId) return false;
    if (member && member.userId === actor.userId && memberRoleCan(member.role, permission))
      return true;
    if (conversation.kind !== 'CHANNEL' || !tenantModeratorCan(permission)) return false;
    const grant = await this.tenantRoles.find(actor.tenantId, actor.userId);
    return tenantRoleCan(grant?.role ?? null, 'channels.moderate');
  }
}
