import { OidcProviderConfig } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId } from '../builders';
import { expectDomainError, MakeStore, seedUsers, useStore } from './store-under-test';

/** Contract of `OidcRepository`. */
export function oidcRepositoryContract(makeStore: MakeStore): void {
  describe('OidcRepository', () => {
    const store = useStore(makeStore);
    const at = new Date('2026-03-01T10:00:00.000Z');
    const provider = (tenantId: string, id: string): OidcProviderConfig => ({
      tenantId,
      id,
      displayName: `Provider ${id} ‮ 😀`,
      issuer: 'https://id.example.com/realms/a',
      clientId: 'chatter',
      clientSecret: 's3cret$&',
      allowedDomains: ['example.com'],
      autoLinkVerifiedEmail: true,
      createdAt: at,
      updatedAt: at,
    });

    it('saves a provider, replaces it keeping createdAt, lists by id, removes it', async () => {
      const t = aTenantId();
      const a = provider(t, 'zeta');
      expect(await store().oidc.saveProvider(a)).toEqual(a);
      await store().oidc.saveProvider(provider(t, 'alpha'));
      await store().oidc.saveProvider(provider(aTenantId(), 'other'));
      const later = new Date(at.getTime() + 5000);
      const changed = {
        ...a,
        displayName: 'Z',
        allowedDomains: [],
        createdAt: later,
        updatedAt: later,
      };
      expect(await store().oidc.saveProvider(changed)).toEqual({ ...changed, createdAt: at });
      expect((await store().oidc.listProviders(t)).map((p) => p.id)).toEqual(['alpha', 'zeta']);
      expect(await store().oidc.findProvider(t, 'zeta')).toEqual({ ...changed, createdAt: at });
      expect(await store().oidc.removeProvider(t, 'zeta')).toBe(true);
      expect(await store().oidc.removeProvider(t, 'zeta')).toBe(false);
      expect(await store().oidc.findProvider(t, 'zeta')).toBeNull();
    });

    it('keys identities by tenant, issuer and subject; one per provider and user', async () => {
      const t = aTenantId();
      const [ann, ben] = await seedUsers(store(), t, 2);
      const identity = {
        tenantId: t,
        userId: ann.id,
        providerId: 'kc',
        issuer: 'https://id.example.com',
        subject: 'sub-1',
        email: 'ann@example.com',
        emailVerified: true,
        createdAt: at,
      };
      expect(await store().oidc.addIdentity(identity)).toEqual(identity);
      expect(await store().oidc.findIdentity(t, identity.issuer, 'sub-1')).toEqual(identity);
      expect(await store().oidc.findIdentity(t, identity.issuer, 'sub-2')).toBeNull();
      await expectDomainError(
        store().oidc.addIdentity({ ...identity, userId: ben.id, providerId: 'other' }),
        'CONFLICT',
      );
      await expectDomainError(
        store().oidc.addIdentity({ ...identity, subject: 'sub-2' }),
        'CONFLICT',
      );
      expect(await store().oidc.findIdentityByVerifiedEmail(t, 'ann@example.com')).toEqual(
        identity,
      );
      const unverified = {
        ...identity,
        userId: ben.id,
        subject: 'sub-3',
        email: 'ben@example.com',
        emailVerified: false,
      };
      await store().oidc.addIdentity(unverified);
      expect(await store().oidc.findIdentityByVerifiedEmail(t, 'ben@example.com')).toBeNull();
      expect(await store().oidc.listIdentities(t, ann.id)).toEqual([identity]);
      expect(await store().oidc.removeIdentity(t, ann.id, 'kc')).toBe(true);
      expect(await store().oidc.removeIdentity(t, ann.id, 'kc')).toBe(false);
      expect(await store().oidc.listIdentities(t, ann.id)).toEqual([]);
    });

    it('hands a ticket out once, and never after it expired', async () => {
      const t = aTenantId();
      const ticket = {
        kind: 'FLOW' as const,
        keyHash: `h-${t}`,
        tenantId: t,
        payload: '{"x":"$&"}',
        expiresAt: new Date(at.getTime() + 60_000),
      };
      await store().oidc.putTicket(ticket);
      expect(await store().oidc.takeTicket('HANDOFF', ticket.keyHash, at)).toBeNull();
      const [first, second] = await Promise.all([
        store().oidc.takeTicket('FLOW', ticket.keyHash, at),
        store().oidc.takeTicket('FLOW', ticket.keyHash, at),
      ]);
      expect([first, second].filter(Boolean)).toEqual([ticket]);
      await store().oidc.putTicket({ ...ticket, keyHash: `old-${t}` });
      expect(
        await store().oidc.takeTicket('FLOW', `old-${t}`, new Date(at.getTime() + 60_000)),
      ).toBeNull();
    });
  });
}
