import { describe, expect, it } from 'vitest';
import type { Conversation, Member, MemberRole } from '../messaging/conversation';
import { ConversationModeration } from './conversation-moderation';
import { memberRoleCan, tenantPermissionsOf, tenantRoleCan } from './permissions';
import type { TenantRole, TenantRoleGrant } from './tenant-role';
import { TenantRoleRepository } from './tenant-role.repository';

describe('named permissions', () => {
  it('gives tenant owners everything, admins reading and channel moderation, others nothing', () => {
    expect(tenantPermissionsOf('OWNER')).toEqual([
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
    ]);
    expect(tenantRoleCan('ADMIN', 'channels.moderate')).toBe(true);
    expect(tenantRoleCan('ADMIN', 'tenant.safety.manage')).toBe(true);
    expect(tenantRoleCan('ADMIN', 'channels.create.restricted')).toBe(true);
    expect(tenantRoleCan(null, 'tenant.safety.manage')).toBe(false);
    expect(tenantRoleCan('ADMIN', 'tenant.admins.manage')).toBe(false);
    expect(tenantRoleCan('ADMIN', 'tenant.owners.manage')).toBe(false);
    expect(tenantPermissionsOf(null)).toEqual([]);
  });

  it.each<[MemberRole, boolean, boolean]>([
    ['OWNER', true, true],
    ['ADMIN', true, false],
    ['MODERATOR', true, false],
    ['MEMBER', false, false],
  ])('a %s may delete any message: %s, appoint moderators: %s', (role, del, appoint) => {
    expect(memberRoleCan(role, 'messages.delete.any')).toBe(del);
    expect(memberRoleCan(role, 'moderators.appoint')).toBe(appoint);
  });
});

class OneGrant extends TenantRoleRepository {
  constructor(private readonly grant: TenantRoleGrant | null) {
    super();
  }
  async find(tenantId: string, userId: string) {
    const g = this.grant;
    return g && g.tenantId === tenantId && g.userId === userId ? g : null;
  }
  async set(grant: TenantRoleGrant) {
    return grant;
  }
  async remove() {
    return false;
  }
  async list() {
    return this.grant ? [this.grant] : [];
  }
  async countWithRole(_t: string, role: TenantRole) {
    return this.grant?.role === role ? 1 : 0;
  }
}

describe('ConversationModeration', () => {
  const actor = { tenantId: 't1', userId: 'ann', sessionId: null };
  const conv = (kind: Conversation['kind'], tenantId = 't1') =>
    ({ id: 'c1', tenantId, kind }) as Conversation;
  const me = (role: MemberRole) => ({ userId: 'ann', role }) as Member;
  const admin = new ConversationModeration(
    new OneGrant({
      tenantId: 't1',
      userId: 'ann',
      role: 'ADMIN',
      grantedBy: null,
      grantedAt: new Date(),
    }),
  );
  const nobody = new ConversationModeration(new OneGrant(null));

  it('lets tenant admins moderate public channels only, member or not', async () => {
    expect(await admin.can(actor, conv('CHANNEL'), null, 'messages.delete.any')).toBe(true);
    expect(await admin.can(actor, conv('GROUP'), me('MEMBER'), 'messages.delete.any')).toBe(false);
    expect(await admin.can(actor, conv('DIRECT'), me('MEMBER'), 'messages.delete.any')).toBe(false);
    expect(await admin.can(actor, conv('CHANNEL'), null, 'moderators.appoint')).toBe(false);
    expect(await admin.can(actor, conv('CHANNEL', 't2'), null, 'messages.delete.any')).toBe(false);
  });

  it('goes by the member role otherwise, and only for the member themselves', async () => {
    expect(await nobody.can(actor, conv('GROUP'), me('MODERATOR'), 'messages.delete.any')).toBe(
      true,
    );
    expect(await nobody.can(actor, conv('CHANNEL'), me('MEMBER'), 'messages.delete.any')).toBe(
      false,
    );
    expect(await nobody.can(actor, conv('CHANNEL'), null, 'messages.delete.any')).toBe(false);
    const someoneElse = { userId: 'bob', role: 'OWNER' } as Member;
    expect(await nobody.can(actor, conv('GROUP'), someoneElse, 'messages.delete.any')).toBe(false);
  });
});
