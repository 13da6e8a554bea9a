import { describe, expect, it } from 'vitest';
import { Actor } from '../../shared/actor';
import { Attachment, LINK_PREVIEW_KEY_PREFIX } from '../../media/attachment';
import { AttachmentRepository } from '../../media/attachment.repository';
import { AttachmentAccess } from '../../media/attachment-access.use-cases';
import { LinkPreview, shownPreviewImage } from './link-preview';
import { LinkPreviewQueue } from './link-preview-queue';
import { LinkPreviewRepository } from './link-preview.repository';
import { LinkPreviews } from './link-previews.use-cases';

const actor = { tenantId: 't1', userId: 'u1' } as Actor;
const none = undefined as never;

const anAttachment = (overrides: Partial<Attachment> = {}): Attachment => ({
  id: 'a1',
  tenantId: 't1',
  conversationId: 'c1',
  uploaderId: 'u1',
  name: 'photo.jpg',
  declaredType: 'image/jpeg',
  declaredSize: 10,
  status: 'READY',
  contentType: 'image/jpeg',
  byteSize: 10,
  kind: 'IMAGE',
  storageKey: 'uploads/t1/a1',
  claimKey: null,
  messageId: 'm1',
  position: 0,
  createdAt: new Date(0),
  expiresAt: null,
  width: null,
  height: null,
  durationMs: null,
  thumbnailKey: null,
  placeholder: null,
  ...overrides,
});

const aPreview = (overrides: Partial<LinkPreview> = {}): LinkPreview => ({
  tenantId: 't1',
  messageId: 'm1',
  url: 'https://example.com/',
  title: 'Example',
  description: null,
  siteName: null,
  imageAttachmentId: 'a1',
  createdAt: new Date(0),
  ...overrides,
});

describe('shownPreviewImage', () => {
  const image = anAttachment({ storageKey: `${LINK_PREVIEW_KEY_PREFIX}t1/a1` });

  it("shows the preview's own image once it is READY", () => {
    expect(shownPreviewImage(aPreview(), image)).toBe(image);
  });

  it('shows none while the image is PENDING, when it belongs to another message, or is another', () => {
    expect(shownPreviewImage(aPreview(), { ...image, status: 'PENDING' })).toBeNull();
    expect(shownPreviewImage(aPreview(), { ...image, messageId: 'm2' })).toBeNull();
    expect(shownPreviewImage(aPreview(), { ...image, messageId: null })).toBeNull();
    expect(shownPreviewImage(aPreview({ imageAttachmentId: 'a2' }), image)).toBeNull();
    expect(shownPreviewImage(aPreview({ imageAttachmentId: null }), image)).toBeNull();
    expect(shownPreviewImage(aPreview(), null)).toBeNull();
    expect(shownPreviewImage(aPreview(), undefined)).toBeNull();
  });
});

describe('LinkPreviews reads', () => {
  const previews = {
    findByMessages: async (tenantId: string, ids: readonly string[]) =>
      tenantId === 't1'
        ? [aPreview({ messageId: 'm2' }), aPreview({ messageId: 'm1' })].filter((p) =>
            ids.includes(p.messageId),
          )
        : [],
  } as unknown as LinkPreviewRepository;
  const attachments = {
    findByIds: async (tenantId: string, ids: readonly string[]) =>
      tenantId === 't1'
        ? [anAttachment({ id: 'a2' }), anAttachment()].filter((a) => ids.includes(a.id))
        : [],
  } as unknown as AttachmentRepository;
  const queue = { setWorker: () => undefined } as unknown as LinkPreviewQueue;
  const linkPreviews = new LinkPreviews(
    previews,
    none,
    none,
    none,
    attachments,
    none,
    none,
    none,
    none,
    none,
    none,
    none,
    queue,
  );

  it("gives each message's preview in the order asked, null where there is none", async () => {
    const found = await linkPreviews.ofMessages(actor, ['m1', 'm3', 'm2']);
    expect(found.map((p) => p?.messageId ?? null)).toEqual(['m1', null, 'm2']);
    expect(await linkPreviews.ofMessages({ ...actor, tenantId: 't2' } as Actor, ['m1'])).toEqual([
      null,
    ]);
  });

  it('gives images by id in the order asked, null where there is none', async () => {
    const found = await linkPreviews.images(actor, ['a2', 'a9', 'a1']);
    expect(found.map((a) => a?.id ?? null)).toEqual(['a2', null, 'a1']);
  });
});

describe('AttachmentAccess.ofMessages', () => {
  const stored = [
    anAttachment({ id: 'a1', messageId: 'm1', position: 0 }),
    anAttachment({ id: 'p1', messageId: 'm1', storageKey: `${LINK_PREVIEW_KEY_PREFIX}t1/p1` }),
    anAttachment({ id: 'a2', messageId: 'm1', position: 1 }),
    anAttachment({ id: 'a3', messageId: 'm2' }),
    anAttachment({ id: 'x1', messageId: 'm9' }),
  ];
  const attachments = {
    listByMessages: async (tenantId: string, ids: readonly string[]) =>
      tenantId === 't1' ? stored.filter((a) => ids.includes(a.messageId!)) : [],
  } as unknown as AttachmentRepository;
  const access = new AttachmentAccess(attachments, none, none, none, none, none, none, none);

  it("groups each message's files in order, without a link preview's image", async () => {
    const files = await access.ofMessages(actor, ['m2', 'm1', 'm3']);
    expect(files.map((list) => list.map((a) => a.id))).toEqual([['a3'], ['a1', 'a2'], []]);
  });
});
