import {
  MAX_PUSH_DEVICES,
  NotificationEmail,
  NO_OVERRIDE,
  PushDevice,
  defaultNotificationDefaults,
  newId,
} from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aTenantId, nextTime } from '../builders';
import { MakeStore, seedUsers, useStore } from './store-under-test';

const P256DH = `B${'A'.repeat(86)}`;

/** A push device of `userId` with a unique endpoint. */
export function aPushDevice(
  tenantId: string,
  userId: string,
  overrides: Partial<PushDevice> = {},
): PushDevice {
  const id = newId();
  return {
    id,
    tenantId,
    userId,
    kind: 'WEB_PUSH',
    appId: null,
    endpoint: `https://push.example.com/send/${id}`,
    p256dh: P256DH,
    auth: 'AAAAAAAAAAAAAAAAAAAAAA',
    label: 'Firefox on laptop',
    createdAt: nextTime(),
    lastSuccessAt: null,
    ...overrides,
  };
}

/** Contract of `NotificationRepository`. */
export function notificationRepositoryContract(makeStore: MakeStore): void {
  describe('NotificationRepository', () => {
    const store = useStore(makeStore);

    it('keeps a user’s defaults, per tenant and user', async () => {
      const s = store().notifications;
      const t = aTenantId();
      expect(await s.getDefaults(t, 'u1')).toBeNull();
      const defaults = {
        ...defaultNotificationDefaults(30),
        levels: { DIRECT: 'ALL', GROUP: 'MENTIONS', CHANNEL: 'NONE' } as const,
        timeZone: 'Europe/Berlin',
        quietHours: { startMinute: 1320, endMinute: 420 },
      };
      await s.saveDefaults(t, 'u1', defaults);
      expect(await s.getDefaults(t, 'u1')).toEqual(defaults);
      await s.saveDefaults(t, 'u1', { ...defaults, onlyIfUnread: false });
      expect(await s.getDefaults(t, 'u1')).toMatchObject({ onlyIfUnread: false });
      expect(await s.getDefaults(t, 'u2')).toBeNull();
      expect(await s.getDefaults(aTenantId(), 'u1')).toBeNull();
    });

    it('keeps conversation overrides; clearing both fields removes one', async () => {
      const s = store().notifications;
      const t = aTenantId();
      expect(await s.getOverride(t, 'u1', 'c1')).toEqual(NO_OVERRIDE);
      const mutedUntil = new Date('2030-01-01T00:00:00.000Z');
      await s.saveOverride(t, 'u1', 'c1', { level: 'MENTIONS', mutedUntil });
      expect(await s.getOverride(t, 'u1', 'c1')).toEqual({ level: 'MENTIONS', mutedUntil });
      expect(await s.getOverride(t, 'u1', 'c2')).toEqual(NO_OVERRIDE);
      expect(await s.getOverride(t, 'u2', 'c1')).toEqual(NO_OVERRIDE);
      await s.saveOverride(t, 'u1', 'c1', { level: null, mutedUntil });
      expect(await s.getOverride(t, 'u1', 'c1')).toEqual({ level: null, mutedUntil });
      await s.saveOverride(t, 'u1', 'c1', { level: null, mutedUntil: null });
      expect(await s.getOverride(t, 'u1', 'c1')).toEqual(NO_OVERRIDE);
    });

    it('keeps tenant options', async () => {
      const s = store().notifications;
      const t = aTenantId();
      expect(await s.getTenantOptions(t)).toEqual({ omitMessageText: false });
      await s.saveTenantOptions(t, { omitMessageText: true });
      expect(await s.getTenantOptions(t)).toEqual({ omitMessageText: true });
      expect(await s.getTenantOptions(aTenantId())).toEqual({ omitMessageText: false });
    });

    it('lists the members of a conversation who have devices, in pages, from the device side', async () => {
      const all = store();
      const s = all.notifications;
      const t = aTenantId();
      const users = await seedUsers(all, t, 12);
      const ids = users.map((u) => u.id);
      const inChannel = ids.slice(0, 10);
      const channel = await all.conversations.create(
        aConversation(t),
        inChannel.map((userId) => ({ userId, role: 'MEMBER' as const })),
      );
      const other = await all.conversations.create(aConversation(t), [
        { userId: ids[11]!, role: 'MEMBER' },
      ]);
      expect(await s.membersWithPushDevices(t, channel.id, null, 100)).toEqual([]);
      // Owners: three members (one with two devices) and two non-members.
      const owners = [inChannel[2]!, inChannel[5]!, inChannel[7]!, ids[10]!, ids[11]!];
      for (const userId of owners) await s.savePushDevice(aPushDevice(t, userId));
      await s.savePushDevice(aPushDevice(t, inChannel[5]!));
      // Another tenant's device of a same-named user does not count.
      await s.savePushDevice(aPushDevice(aTenantId(), inChannel[0]!));
      const expected = [inChannel[2]!, inChannel[5]!, inChannel[7]!].sort();
      expect(await s.membersWithPushDevices(t, channel.id, null, 100)).toEqual(expected);
      const firstPage = await s.membersWithPushDevices(t, channel.id, null, 2);
      expect(firstPage).toEqual(expected.slice(0, 2));
      expect(await s.membersWithPushDevices(t, channel.id, firstPage[1]!, 2)).toEqual(
        expected.slice(2),
      );
      expect(await s.membersWithPushDevices(t, other.id, null, 100)).toEqual([ids[11]!]);
      expect(await s.membersWithPushDevices(aTenantId(), channel.id, null, 100)).toEqual([]);
      // A member who leaves is no longer listed.
      await all.conversations.removeMember(t, channel.id, expected[0]!, 'LEFT', nextTime());
      expect(await s.membersWithPushDevices(t, channel.id, null, 100)).toEqual(expected.slice(1));
    });

    it('registers devices once per endpoint, lists, finds, marks and removes them', async () => {
      const s = store().notifications;
      const t = aTenantId();
      const first = await s.savePushDevice(aPushDevice(t, 'u1'));
      const second = await s.savePushDevice(aPushDevice(t, 'u1', { label: 'Phone' }));
      expect((await s.listPushDevices(t, 'u1')).map((d) => d.id)).toEqual([first.id, second.id]);
      expect(await s.anyPushDevices(t)).toBe(true);
      expect(await s.anyPushDevices(aTenantId())).toBe(false);
      // The same endpoint again (new keys, another user): one device, same id, new owner.
      const again = await s.savePushDevice(
        aPushDevice(t, 'u2', { endpoint: first.endpoint, auth: 'BBBBBBBBBBBBBBBBBBBBBB' }),
      );
      expect(again).toMatchObject({ id: first.id, userId: 'u2', auth: 'BBBBBBBBBBBBBBBBBBBBBB' });
      expect((await s.listPushDevices(t, 'u1')).map((d) => d.id)).toEqual([second.id]);
      expect(await s.findPushDevice(t, first.id)).toMatchObject({ userId: 'u2' });
      expect(await s.findPushDevice(aTenantId(), first.id)).toBeNull();
      const at = new Date('2030-01-01T00:00:00.000Z');
      await s.markPushDeviceUsed(t, second.id, at);
      expect(await s.findPushDevice(t, second.id)).toMatchObject({ lastSuccessAt: at });
      // Only the owner may remove with a user given; without one (pruning) anyone may.
      expect(await s.removePushDevice(t, second.id, 'u2')).toBe(false);
      expect(await s.removePushDevice(t, second.id, 'u1')).toBe(true);
      expect(await s.removePushDevice(t, second.id, 'u1')).toBe(false);
      expect(await s.removePushDevice(t, first.id)).toBe(true);
      const native = await s.savePushDevice(
        aPushDevice(t, 'u3', {
          kind: 'GATEWAY',
          appId: 'com.example.chat.ios',
          endpoint: 'apns-token-1',
          p256dh: '',
          auth: '',
        }),
      );
      expect(await s.findPushDevice(t, native.id)).toMatchObject({
        kind: 'GATEWAY',
        appId: 'com.example.chat.ios',
        endpoint: 'apns-token-1',
      });
      expect(await s.listPushDevices(t, 'u2')).toEqual([]);
    });

    it(`keeps the newest ${MAX_PUSH_DEVICES} devices of a user`, async () => {
      const s = store().notifications;
      const t = aTenantId();
      const ids: string[] = [];
      for (let i = 0; i < MAX_PUSH_DEVICES + 2; i++)
        ids.push((await s.savePushDevice(aPushDevice(t, 'u1'))).id);
      expect((await s.listPushDevices(t, 'u1')).map((d) => d.id)).toEqual(ids.slice(2));
    });

    const anEmail = (t: string, u: string, over: Partial<NotificationEmail> = {}) => ({
      tenantId: t,
      userId: u,
      address: `${u}@example.com`,
      verified: true,
      digestEnabled: true,
      codeHash: null,
      codeExpiresAt: null,
      codeAttempts: 0,
      lastDigestAt: null,
      ...over,
    });

    it('keeps a user’s notification e-mail, per tenant and user; null removes it', async () => {
      const s = store().notifications;
      const t = aTenantId();
      expect(await s.getNotificationEmail(t, 'u1')).toBeNull();
      const pending = anEmail(t, 'u1', {
        verified: false,
        codeHash: 'hash',
        codeExpiresAt: new Date('2030-01-01T00:00:00.000Z'),
        codeAttempts: 2,
      });
      await s.saveNotificationEmail(t, 'u1', pending);
      expect(await s.getNotificationEmail(t, 'u1')).toEqual(pending);
      expect(await s.getNotificationEmail(aTenantId(), 'u1')).toBeNull();
      expect(await s.getNotificationEmail(t, 'u2')).toBeNull();
      const verified = anEmail(t, 'u1');
      await s.saveNotificationEmail(t, 'u1', verified);
      expect(await s.getNotificationEmail(t, 'u1')).toEqual(verified);
      await s.saveNotificationEmail(t, 'u1', null);
      expect(await s.getNotificationEmail(t, 'u1')).toBeNull();
    });

    it('marks one pending digest per user until done, replacing a stale mark', async () => {
      const s = store().notifications;
      const t = aTenantId();
      const at = (m: number) => new Date(Date.UTC(2030, 0, 1, 0, m));
      expect(await s.scheduleDigest(t, 'u1', at(15), at(0))).toBe(false);
      await s.saveNotificationEmail(t, 'u1', anEmail(t, 'u1'));
      expect(await s.scheduleDigest(t, 'u1', at(15), at(0))).toBe(true);
      expect(await s.scheduleDigest(t, 'u1', at(16), at(1))).toBe(false);
      // Saving the address keeps the schedule and the last digest time.
      await s.saveNotificationEmail(t, 'u1', anEmail(t, 'u1', { digestEnabled: true }));
      expect(await s.scheduleDigest(t, 'u1', at(16), at(1))).toBe(false);
      // Long past due (its job died): replaced.
      expect(await s.scheduleDigest(t, 'u1', at(40), at(20))).toBe(true);
      await s.digestDone(t, 'u1', at(41));
      expect(await s.getNotificationEmail(t, 'u1')).toMatchObject({ lastDigestAt: at(41) });
      expect(await s.scheduleDigest(t, 'u1', at(56), at(41))).toBe(true);
      await s.digestDone(t, 'u1', null);
      expect(await s.getNotificationEmail(t, 'u1')).toMatchObject({ lastDigestAt: at(41) });
      expect(await s.scheduleDigest(t, 'u1', at(57), at(42))).toBe(true);
    });

    it('lists the members with verified e-mail and digests on, in pages', async () => {
      const all = store();
      const s = all.notifications;
      const t = aTenantId();
      const ids = (await seedUsers(all, t, 6)).map((u) => u.id);
      const channel = await all.conversations.create(
        aConversation(t),
        ids.slice(0, 5).map((userId) => ({ userId, role: 'MEMBER' as const })),
      );
      await s.saveNotificationEmail(t, ids[0]!, anEmail(t, ids[0]!));
      await s.saveNotificationEmail(t, ids[1]!, anEmail(t, ids[1]!, { verified: false }));
      await s.saveNotificationEmail(t, ids[2]!, anEmail(t, ids[2]!, { digestEnabled: false }));
      await s.saveNotificationEmail(t, ids[3]!, anEmail(t, ids[3]!));
      await s.saveNotificationEmail(t, ids[4]!, anEmail(t, ids[4]!));
      await s.saveNotificationEmail(t, ids[5]!, anEmail(t, ids[5]!)); // not a member
      const expected = [ids[0]!, ids[3]!, ids[4]!].sort();
      expect(await s.membersWithEmailDigests(t, channel.id, null, 100)).toEqual(expected);
      const first = await s.membersWithEmailDigests(t, channel.id, null, 2);
      expect(first).toEqual(expected.slice(0, 2));
      expect(await s.membersWithEmailDigests(t, channel.id, first[1]!, 2)).toEqual(
        expected.slice(2),
      );
      expect(await s.membersWithEmailDigests(aTenantId(), channel.id, null, 100)).toEqual([]);
    });
  });
}
