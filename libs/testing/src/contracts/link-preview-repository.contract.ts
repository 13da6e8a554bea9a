import { LinkPreview, NewMember, PageMetadata, User, newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, aTenantId, nextTime } from '../builders';
import { MakeStore, StoreUnderTest, seedUsers, useStore } from './store-under-test';

const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });

async function aSentMessage(s: StoreUnderTest, t: string) {
  const users = await seedUsers(s, t, 2);
  const conversation = await s.conversations.create(aConversation(t), users.map(member));
  const { message } = await s.messages.append(
    aMessage(t, conversation.id, users[0]!.id, { body: 'see https://example.com/' }),
  );
  return { conversation, message };
}

const aPreview = (tenantId: string, messageId: string): LinkPreview => ({
  tenantId,
  messageId,
  url: 'https://example.com/',
  title: 'Example — “quoted” $& <b>',
  description: 'Ünïcödé \u202e text',
  siteName: 'Example',
  imageAttachmentId: newId(),
  createdAt: nextTime(),
});

/** Contract of `LinkPreviewRepository`. */
export function linkPreviewRepositoryContract(makeStore: MakeStore): void {
  describe('LinkPreviewRepository', () => {
    const store = useStore(makeStore);

    it('caches a page (or its absence) per URL until it expires', async () => {
      const url = `https://example.com/${newId()}`;
      const metadata: PageMetadata = {
        url,
        title: 'T',
        description: null,
        siteName: null,
        imageUrl: 'https://example.com/i.png',
      };
      const now = new Date();
      expect(await store().linkPreviews.cachedPage(url, now)).toBeNull();
      await store().linkPreviews.cachePage(url, metadata, new Date(now.getTime() + 60_000));
      expect(await store().linkPreviews.cachedPage(url, now)).toEqual({ metadata });
      expect(
        await store().linkPreviews.cachedPage(url, new Date(now.getTime() + 61_000)),
      ).toBeNull();
      await store().linkPreviews.cachePage(url, null, new Date(now.getTime() + 60_000));
      expect(await store().linkPreviews.cachedPage(url, now)).toEqual({ metadata: null });
    });

    it('attaches a preview once, with a MESSAGE_UPDATED entry at the next seq', async () => {
      const t = aTenantId();
      const { conversation, message } = await aSentMessage(store(), t);
      const preview = aPreview(t, message.id);
      const event = await store().linkPreviews.attach(preview);
      expect(event).toEqual({
        kind: 'MESSAGE_UPDATED',
        seq: message.seq + 1,
        messageId: message.id,
        at: preview.createdAt,
      });
      expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(
        message.seq + 1,
      );
      expect(await store().linkPreviews.findByMessages(t, [message.id, newId()])).toEqual([
        preview,
      ]);
      expect(await store().linkPreviews.attach({ ...preview, title: 'again' })).toBeNull();
      expect(await store().linkPreviews.findByMessages(aTenantId(), [message.id])).toEqual([]);
    });

    it('removes a preview for good, with an entry; a second removal logs nothing', async () => {
      const t = aTenantId();
      const { message } = await aSentMessage(store(), t);
      await store().linkPreviews.attach(aPreview(t, message.id));
      const at = nextTime();
      expect(await store().linkPreviews.remove(t, message.id, at)).toEqual({
        kind: 'MESSAGE_UPDATED',
        seq: message.seq + 2,
        messageId: message.id,
        at,
      });
      expect(await store().linkPreviews.findByMessages(t, [message.id])).toEqual([]);
      expect(await store().linkPreviews.remove(t, message.id, nextTime())).toBeNull();
      expect(await store().linkPreviews.attach(aPreview(t, message.id))).toBeNull();
    });

    it('a removal before the preview arrived keeps it from ever attaching', async () => {
      const t = aTenantId();
      const { conversation, message } = await aSentMessage(store(), t);
      expect(await store().linkPreviews.remove(t, message.id, nextTime())).toBeNull();
      expect(await store().linkPreviews.remove(t, message.id, nextTime())).toBeNull();
      expect(await store().linkPreviews.attach(aPreview(t, message.id))).toBeNull();
      expect(await store().linkPreviews.findByMessages(t, [message.id])).toEqual([]);
      expect((await store().conversations.findById(t, conversation.id))?.lastSeq).toBe(message.seq);
    });

    it('never attaches to a deleted or unknown message', async () => {
      const t = aTenantId();
      const { message } = await aSentMessage(store(), t);
      await store().messages.tombstone(t, message.id, nextTime());
      expect(await store().linkPreviews.attach(aPreview(t, message.id))).toBeNull();
      expect(await store().linkPreviews.attach(aPreview(t, newId()))).toBeNull();
      expect(await store().linkPreviews.attach(aPreview(aTenantId(), message.id))).toBeNull();
    });
  });
}
