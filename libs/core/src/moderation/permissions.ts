import { MemberRole } from '../messaging/conversation';
import { TenantRole } from './tenant-role';

/**
 * What a tenant role allows, by name. Use cases ask for a permission, never for a role, so the
 * table below is the one place that says who may do what in a tenant.
 */
export type TenantPermission =
  /** Read who holds which tenant role. */
  | 'tenant.roles.read'
  /** Grant and revoke the ADMIN role. */
  | 'tenant.admins.manage'
  /** Grant and revoke the OWNER role. */
  | 'tenant.owners.manage'
  /** Moderate every public channel of the tenant without being appointed in it. */
  | 'channels.moderate'
  /** Suspend, ban (and wipe) users and lift those sanctions; see who is sanctioned. */
  | 'users.moderate'
  /** Read the tenant's audit log. */
  | 'audit.read'
  /** See and act on every open report of the tenant. */
  | 'reports.review'
  /** Create, list and revoke the tenant's bot accounts and their tokens. */
  | 'bots.manage'
  /** See and change the tenant's safety settings (word filter, retention, channel creation). */
  | 'tenant.safety.manage'
  /** Create public channels when the tenant allows only admins to. */
  | 'channels.create.restricted';

const TENANT_ROLE_PERMISSIONS: Record<TenantRole, readonly TenantPermission[]> = {
  OWNER: [
    'tenant.roles.read',
    'tenant.admins.manage',
    'tenant.owners.manage',
    'channels.moderate',
    'users.moderate',
    'audit.read',
    'reports.review',
    'bots.manage',
    'tenant.safety.manage',
    'channels.create.restricted',
  ],
  ADMIN: [
    'tenant.roles.read',
    'channels.moderate',
    'users.moderate',
    'audit.read',
    'reports.review',
    'bots.manage',
    'tenant.safety.manage',
    'channels.create.restricted',
  ],
};

export const tenantPermissionsOf = (role: TenantRole | null): readonly TenantPermission[] =>
  role ? TENANT_ROLE_PERMISSIONS[role] : [];

export const tenantRoleCan = (role: TenantRole | null, permission: TenantPermission): boolean =>
  tenantPermissionsOf(role).includes(permission);

/** What a member's role allows inside one group or channel. */
export type ConversationPermission =
  /** Delete (tombstone) anyone's message. */
  | 'messages.delete.any'
  /** Appoint and dismiss channel or group moderators. */
  | 'moderators.appoint';

const MEMBER_ROLE_PERMISSIONS: Record<MemberRole, readonly ConversationPermission[]> = {
  OWNER: ['messages.delete.any', 'moderators.appoint'],
  ADMIN: ['messages.delete.any'],
  MODERATOR: ['messages.delete.any'],
  MEMBER: [],
};

/** What tenant-wide channel moderation (`channels.moderate`) allows in a public channel. */
const TENANT_MODERATOR_PERMISSIONS: readonly ConversationPermission[] = ['messages.delete.any'];

export const memberRoleCan = (
  role: MemberRole | null,
  permission: ConversationPermission,
): boolean => (role ? MEMBER_ROLE_PERMISSIONS[role].includes(permission) : false);

export const tenantModeratorCan = (permission: ConversationPermission): boolean =>
  TENANT_MODERATOR_PERMISSIONS.includes(permission);
