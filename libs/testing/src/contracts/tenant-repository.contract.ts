import { describe, expect, it } from 'vitest';
import { aTenant } from '../builders';
import { MakeStore, expectDomainError, useStore } from './store-under-test';

/** Contract of `TenantRepository`. */
export function tenantRepositoryContract(makeStore: MakeStore): void {
  describe('TenantRepository', () => {
    const store = useStore(makeStore);

    it('creates a tenant and finds it by id with every field intact', async () => {
      const tenant = aTenant();
      expect(await store().tenants.create(tenant)).toEqual(tenant);
      expect(await store().tenants.findById(tenant.id)).toEqual(tenant);
      expect(await store().tenants.findById('no-such-tenant')).toBeNull();
    });

    it('rejects a duplicate id with CONFLICT and keeps the first tenant', async () => {
      const tenant = aTenant();
      await store().tenants.create(tenant);
      await expectDomainError(
        store().tenants.create({ ...aTenant(), id: tenant.id, name: 'Other' }),
        'CONFLICT',
      );
      expect((await store().tenants.findById(tenant.id))?.name).toBe(tenant.name);
    });

    it('lists tenants ordered by id', async () => {
      const suffix = aTenant().id;
      const ids = [`c-${suffix}`, `a-${suffix}`, `b-${suffix}`];
      for (const id of ids) await store().tenants.create(aTenant({ id }));
      const listed = (await store().tenants.list())
        .map((t) => t.id)
        .filter((id) => ids.includes(id));
      expect(listed).toEqual([...ids].sort());
    });

    it('rotates the signing secret, or returns null for an unknown tenant', async () => {
      const tenant = await store().tenants.create(aTenant());
      const updated = await store().tenants.updateSigningSecret(tenant.id, 'new-secret');
      expect(updated).toEqual({ ...tenant, signingSecret: 'new-secret' });
      expect((await store().tenants.findById(tenant.id))?.signingSecret).toBe('new-secret');
      expect(await store().tenants.updateSigningSecret('no-such-tenant', 'x')).toBeNull();
      expect(await store().tenants.findById('no-such-tenant')).toBeNull();
    });

    it('changes the phone sign-up setting and keeps the other fields, or returns null for an unknown tenant', async () => {
      const tenant = await store().tenants.create(aTenant());
      expect(tenant.phoneSignUp).toBe(true);
      const off = await store().tenants.updateSettings(tenant.id, {
        phoneSignUp: false,
        attachmentRetentionDays: 30,
      });
      expect(off).toEqual({ ...tenant, phoneSignUp: false, attachmentRetentionDays: 30 });
      expect(await store().tenants.findById(tenant.id)).toEqual({
        ...tenant,
        phoneSignUp: false,
        attachmentRetentionDays: 30,
      });
      expect(
        (
          await store().tenants.updateSettings(tenant.id, {
            phoneSignUp: true,
            attachmentRetentionDays: null,
          })
        )?.phoneSignUp,
      ).toBe(true);
      expect(
        await store().tenants.updateSettings('no-such-tenant', {
          phoneSignUp: false,
          attachmentRetentionDays: null,
        }),
      ).toBeNull();
    });
  });
}
