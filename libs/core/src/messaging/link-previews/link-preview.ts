import { Attachment } from '../../media/attachment';
import { MessageId, TenantId } from '../../shared/ids';

/** What a page says about itself (OpenGraph, Twitter card, `<title>`), checked and capped. */
export interface PageMetadata {
  /** The page's address after redirects (or its `og:url` when on the same site). */
  url: string;
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** An absolute http(s) address of the page's preview image, not fetched yet. */
  imageUrl: string | null;
}

/** The preview shown under a message: the metadata of its first link, image re-served by us. */
export interface LinkPreview {
  tenantId: TenantId;
  messageId: MessageId;
  url: string;
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** The attachment holding the preview image (served through the attachment path), if any. */
  imageAttachmentId: string | null;
  createdAt: Date;
}

/** Caps on what a preview keeps (characters). */
export const PREVIEW_LIMITS = {
  url: 2048,
  title: 300,
  description: 1000,
  siteName: 100,
} as const;

/**
 * The image a preview shows: its attachment once READY and only while it is still the preview's
 * own (held by the preview's message); otherwise none.
 */
export const shownPreviewImage = (
  preview: Pick<LinkPreview, 'messageId' | 'imageAttachmentId'>,
  image: Attachment | null | undefined,
): Attachment | null =>
  preview.imageAttachmentId &&
  image &&
  image.id === preview.imageAttachmentId &&
  image.status === 'READY' &&
  image.messageId === preview.messageId
    ? image
    : null;
