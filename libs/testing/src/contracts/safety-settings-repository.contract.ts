import { describe, expect, it } from 'vitest';
import { TenantSafetySettings } from '@chatter/core';
import { aTenantId } from '../builders';
import { MakeStore, useStore } from './store-under-test';

/** Contract of `SafetySettingsRepository`. */
export function safetySettingsRepositoryContract(makeStore: MakeStore): void {
  describe('SafetySettingsRepository', () => {
    const store = useStore(makeStore);
    const at = new Date('2026-03-01T10:00:00.000Z');
    const settings = (tenantId: string): TenantSafetySettings => ({
      tenantId,
      wordFilterMode: 'MASK',
      filterWords: ['bad', 'très mal', '馬鹿', '$& "quoted"'],
      messageRetentionDays: 30,
      channelCreation: 'ADMINS',
      allowedAttachmentKinds: ['IMAGE', 'AUDIO'],
      updatedBy: 'u1',
      updatedAt: at,
    });

    it('has nothing for a tenant that never saved settings', async () => {
      expect(await store().safetySettings.find(aTenantId())).toBeNull();
    });

    it('saves settings and finds them with every field intact, per tenant', async () => {
      const t = aTenantId();
      const other = aTenantId();
      expect(await store().safetySettings.save(settings(t))).toEqual(settings(t));
      expect(await store().safetySettings.find(t)).toEqual(settings(t));
      expect(await store().safetySettings.find(other)).toBeNull();
    });

    it('replaces the whole record on a second save', async () => {
      const t = aTenantId();
      await store().safetySettings.save(settings(t));
      const next: TenantSafetySettings = {
        tenantId: t,
        wordFilterMode: 'OFF',
        filterWords: [],
        messageRetentionDays: null,
        channelCreation: 'EVERYONE',
        allowedAttachmentKinds: [],
        updatedBy: null,
        updatedAt: null,
      };
      expect(await store().safetySettings.save(next)).toEqual(next);
      expect(await store().safetySettings.find(t)).toEqual(next);
    });

    it('keeps every allowed attachment kind, in canonical order', async () => {
      const t = aTenantId();
      const all: TenantSafetySettings = {
        ...settings(t),
        allowedAttachmentKinds: ['IMAGE', 'AUDIO', 'VIDEO', 'FILE'],
      };
      expect(await store().safetySettings.save(all)).toEqual(all);
      await store().safetySettings.save({ ...all, allowedAttachmentKinds: ['VIDEO', 'FILE'] });
      expect((await store().safetySettings.find(t))?.allowedAttachmentKinds).toEqual([
        'VIDEO',
        'FILE',
      ]);
    });

    it('lists the tenants with retention on', async () => {
      const [a, b, c] = [aTenantId(), aTenantId(), aTenantId()];
      await store().safetySettings.save(settings(a));
      await store().safetySettings.save({ ...settings(b), messageRetentionDays: null });
      await store().safetySettings.save({ ...settings(c), messageRetentionDays: 7 });
      const listed = (await store().safetySettings.withRetention()).filter((r) =>
        [a, b, c].includes(r.tenantId),
      );
      expect(listed.sort((x, y) => (x.tenantId < y.tenantId ? -1 : 1))).toEqual(
        [
          { tenantId: a, days: 30 },
          { tenantId: c, days: 7 },
        ].sort((x, y) => (x.tenantId < y.tenantId ? -1 : 1)),
      );
    });
  });
}
