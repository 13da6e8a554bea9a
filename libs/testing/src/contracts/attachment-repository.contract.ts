import {
  AttachmentLifecycle,
  CoreSettings,
  FileStorage,
  ManualClock,
  NewAttachment,
  NewMember,
  User,
  newId,
} from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, aTenant, aTenantId, nextTime } from '../builders';
import { MakeStore, StoreUnderTest, seedUsers, useStore } from './store-under-test';

const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });

/** A pending attachment uploaded by `uploaderId` into `conversationId`. */
export function anAttachment(
  tenantId: string,
  conversationId: string,
  uploaderId: string,
  overrides: Partial<NewAttachment> = {},
): NewAttachment {
  const id = newId();
  const createdAt = nextTime();
  return {
    id,
    tenantId,
    conversationId,
    uploaderId,
    name: 'holiday photo ☀️.jpg',
    declaredType: 'image/jpeg',
    declaredSize: 1000,
    kind: 'FILE',
    storageKey: `${tenantId}/${id}/original`,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 86_400_000),
    ...overrides,
  };
}

async function aChat(s: StoreUnderTest, t: string) {
  const users = await seedUsers(s, t, 2);
  const conversation = await s.conversations.create(aConversation(t), users.map(member));
  return { conversation, users };
}

/** Contract of `AttachmentRepository`. */
export function attachmentRepositoryContract(makeStore: MakeStore): void {
  describe('AttachmentRepository', () => {
    const store = useStore(makeStore);

    it('creates a PENDING attachment and finds it by id, only in its tenant', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const input = anAttachment(t, conversation.id, users[0].id);
      const created = await store().attachments.create(input);
      expect(created).toEqual({
        ...input,
        status: 'PENDING',
        contentType: null,
        byteSize: null,
        claimKey: null,
        messageId: null,
        position: 0,
        width: null,
        height: null,
        durationMs: null,
        thumbnailKey: null,
        placeholder: null,
      });
      expect(await store().attachments.findById(t, input.id)).toEqual(created);
      expect(await store().attachments.findById(aTenantId(), input.id)).toBeNull();
      expect(await store().attachments.findByIds(t, [input.id, newId()])).toEqual([created]);
    });

    it('marks a pending attachment ready once, and records media facts', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const a = await store().attachments.create(anAttachment(t, conversation.id, users[0].id));
      const facts = { byteSize: 900, contentType: 'image/jpeg', kind: 'IMAGE' as const };
      const ready = await store().attachments.markReady(t, a.id, facts);
      expect(ready).toMatchObject({ status: 'READY', ...facts });
      expect(await store().attachments.markReady(t, a.id, facts)).toBeNull();
      const media = {
        width: 640,
        height: 480,
        durationMs: null,
        thumbnailKey: `${t}/${a.id}/thumbnail`,
        placeholder: 'data:image/webp;base64,AAAA',
      };
      expect(await store().attachments.setMedia(t, a.id, media)).toMatchObject(media);
      expect(await store().attachments.setMedia(aTenantId(), a.id, media)).toBeNull();
    });

    it('turns an undecodable image into a plain file, within its tenant only', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const a = await store().attachments.create(anAttachment(t, conversation.id, users[0].id));
      await store().attachments.markReady(t, a.id, {
        byteSize: 10,
        contentType: 'image/png',
        kind: 'IMAGE',
      });
      expect(await store().attachments.markPlainFile(aTenantId(), a.id)).toBeNull();
      expect((await store().attachments.findById(t, a.id))!.kind).toBe('IMAGE');
      expect(await store().attachments.markPlainFile(t, a.id)).toMatchObject({
        kind: 'FILE',
        status: 'READY',
        contentType: 'image/png',
      });
    });

    it('claims all or none: only ready, own, same-conversation, unclaimed attachments', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const [ada, ben] = users;
      const ready = async (uploader: string) => {
        const a = await store().attachments.create(anAttachment(t, conversation.id, uploader));
        await store().attachments.markReady(t, a.id, {
          byteSize: 10,
          contentType: 'application/pdf',
          kind: 'FILE',
        });
        return a.id;
      };
      const a1 = await ready(ada.id);
      const a2 = await ready(ada.id);
      const bens = await ready(ben.id);
      const pending = (await store().attachments.create(anAttachment(t, conversation.id, ada.id)))
        .id;
      const owner = { uploaderId: ada.id, conversationId: conversation.id, claimKey: 'send-1' };

      expect(await store().attachments.claim(t, [a1, bens], owner)).toBe(false);
      expect(await store().attachments.claim(t, [a1, pending], owner)).toBe(false);
      expect(await store().attachments.claim(t, [a1], { ...owner, conversationId: newId() })).toBe(
        false,
      );
      // Nothing was claimed by the refused attempts.
      expect((await store().attachments.findById(t, a1))!.claimKey).toBeNull();

      expect(await store().attachments.claim(t, [a1, a2], owner)).toBe(true);
      expect(await store().attachments.claim(t, [a1, a2], owner)).toBe(true); // the same send again
      expect(await store().attachments.claim(t, [a2], { ...owner, claimKey: 'send-2' })).toBe(
        false,
      );
    });

    it('binds claimed attachments to a message in order and lists them per message', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const uploader = users[0].id;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const a = await store().attachments.create(anAttachment(t, conversation.id, uploader));
        await store().attachments.markReady(t, a.id, {
          byteSize: 10,
          contentType: 'text/plain',
          kind: 'FILE',
        });
        ids.push(a.id);
      }
      const order = [ids[2]!, ids[0]!, ids[1]!];
      const owner = { uploaderId: uploader, conversationId: conversation.id, claimKey: 'k' };
      expect(await store().attachments.claim(t, order, owner)).toBe(true);
      const { message } = await store().messages.append(aMessage(t, conversation.id, uploader));
      await store().attachments.bind(t, order, 'k', message.id);
      const listed = await store().attachments.listByMessages(t, [message.id, newId()]);
      expect(listed.map((a) => a.id)).toEqual(order);
      expect(listed.map((a) => a.position)).toEqual([0, 1, 2]);
      expect(listed.every((a) => a.messageId === message.id)).toBe(true);
      expect(listed.every((a) => a.expiresAt === null)).toBe(true);
      // Binding under another claim changes nothing.
      await store().attachments.bind(t, order, 'other', newId());
      expect((await store().attachments.findById(t, order[0]!))!.messageId).toBe(message.id);
      expect(await store().attachments.listByMessages(aTenantId(), [message.id])).toEqual([]);
    });

    it("lists expired attachments of every tenant, and expires a deleted message's", async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const uploader = users[0].id;
      const now = nextTime();
      const past = new Date(now.getTime() - 1000);
      const future = new Date(now.getTime() + 60_000);
      const stale = await store().attachments.create(
        anAttachment(t, conversation.id, uploader, { expiresAt: past }),
      );
      await store().attachments.create(
        anAttachment(t, conversation.id, uploader, { expiresAt: future }),
      );
      const sent = await store().attachments.create(
        anAttachment(t, conversation.id, uploader, { expiresAt: past }),
      );
      await store().attachments.markReady(t, sent.id, {
        byteSize: 1,
        contentType: 'text/plain',
        kind: 'FILE',
      });
      const owner = { uploaderId: uploader, conversationId: conversation.id, claimKey: 'c' };
      expect(await store().attachments.claim(t, [sent.id], owner)).toBe(true);
      const { message } = await store().messages.append(aMessage(t, conversation.id, uploader));
      await store().attachments.bind(t, [sent.id], 'c', message.id);

      const due = (await store().attachments.listExpired(now, 100)).filter((a) => a.tenantId === t);
      expect(due.map((a) => a.id)).toEqual([stale.id]);

      expect(await store().attachments.expireWithMessage(t, message.id, past)).toBe(1);
      const dueAfter = (await store().attachments.listExpired(now, 100))
        .filter((a) => a.tenantId === t)
        .map((a) => a.id)
        .sort();
      expect(dueAfter).toEqual([stale.id, sent.id].sort());
      expect(await store().attachments.expireWithMessage(aTenantId(), message.id, past)).toBe(0);
    });

    it('sums usage per uploader and per tenant (declared size until ready), and deletes', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChat(store(), t);
      const [ada, ben] = users;
      const a = await store().attachments.create(
        anAttachment(t, conversation.id, ada.id, { declaredSize: 5000 }),
      );
      await store().attachments.create(
        anAttachment(t, conversation.id, ben.id, { declaredSize: 700 }),
      );
      expect(await store().attachments.usage(t, ada.id)).toBe(5000);
      await store().attachments.markReady(t, a.id, {
        byteSize: 4000,
        contentType: 'application/pdf',
        kind: 'FILE',
      });
      expect(await store().attachments.usage(t, ada.id)).toBe(4000);
      expect(await store().attachments.usage(t, null)).toBe(4700);
      expect(await store().attachments.usage(aTenantId(), null)).toBe(0);
      await store().attachments.delete(t, a.id);
      expect(await store().attachments.findById(t, a.id)).toBeNull();
      expect(await store().attachments.usage(t, ada.id)).toBe(0);
    });

    it("deletes attachments past their tenant's retention, files first, other tenants untouched", async () => {
      const now = new Date('2030-06-01T00:00:00Z');
      const day = 86_400_000;
      const kept = await store().tenants.create(aTenant());
      const t = (await store().tenants.create(aTenant())).id;
      await store().tenants.updateSettings(t, { phoneSignUp: true, attachmentRetentionDays: 30 });
      const old = async (tenantId: string, ageDays: number) => {
        const { conversation, users } = await aChat(store(), tenantId);
        return store().attachments.create(
          anAttachment(tenantId, conversation.id, users[0].id, {
            createdAt: new Date(now.getTime() - ageDays * day),
            expiresAt: null,
          }),
        );
      };
      const expired = await old(t, 31);
      const recent = await old(t, 29);
      const elsewhere = await old(kept.id, 400);
      expect(
        await store().attachments.expireUploadedBefore(t, new Date(now.getTime() - 30 * day), now),
      ).toBe(1);
      // Through the sweep: the retention marks, the sweep deletes.
      await store().tenants.updateSettings(t, { phoneSignUp: true, attachmentRetentionDays: 20 });
      const deleted: string[] = [];
      const files = new (class extends FileStorage {
        readonly kind = 'test';
        write(): never {
          throw new Error('not used');
        }
        async stat() {
          return null;
        }
        async read() {
          return null;
        }
        async delete(key: string) {
          deleted.push(key);
        }
        async presignUpload() {
          return null;
        }
        async isReady() {
          return true;
        }
      })();
      const lifecycle = new AttachmentLifecycle(
        store().attachments,
        files,
        new CoreSettings({}),
        new ManualClock(now.getTime()),
        store().tenants,
      );
      while ((await lifecycle.sweep(100)) > 0);
      expect(await store().attachments.findById(t, expired.id)).toBeNull();
      expect(await store().attachments.findById(t, recent.id)).toBeNull(); // 29 days > 20
      expect(deleted).toEqual(expect.arrayContaining([expired.storageKey, recent.storageKey]));
      expect(await store().attachments.findById(kept.id, elsewhere.id)).not.toBeNull();
      expect(deleted).not.toContain(elsewhere.storageKey);
    });
  });
}
