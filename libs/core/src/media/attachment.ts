import { ConversationId, MessageId, TenantId, UserId } from '../shared/ids';

export type AttachmentKind = 'IMAGE' | 'VIDEO' | 'AUDIO' | 'FILE';

/** PENDING: the upload target was handed out; READY: the bytes were checked and may be sent. */
export type AttachmentStatus = 'PENDING' | 'READY';

/** Facts derived from the file by media processing (null where unknown or not applicable). */
export interface AttachmentMedia {
  width: number | null;
  height: number | null;
  durationMs: number | null;
  /** Storage key of a small JPEG/WebP preview (images only). */
  thumbnailKey: string | null;
  /** A tiny inline preview (a `data:` URL of a few hundred bytes) shown while loading. */
  placeholder: string | null;
}

export interface Attachment extends AttachmentMedia {
  id: string;
  tenantId: TenantId;
  conversationId: ConversationId;
  uploaderId: UserId;
  /** The file name as the uploader gave it (checked: no path, no control characters). */
  name: string;
  /** What the client declared when it asked to upload. */
  declaredType: string;
  declaredSize: number;
  status: AttachmentStatus;
  /** Type sniffed from the bytes at finalize (null while PENDING). */
  contentType: string | null;
  /** Size as stored (null while PENDING). */
  byteSize: number | null;
  kind: AttachmentKind;
  storageKey: string;
  /** Set while a send reserves it (the send's clientMessageId), so it is used only once. */
  claimKey: string | null;
  messageId: MessageId | null;
  /** Order within its message. */
  position: number;
  createdAt: Date;
  /**
   * When the attachment and its files are deleted: set at upload (an upload never sent expires)
   * and when its message is deleted (after a grace period); null while a live message carries it.
   */
  expiresAt: Date | null;
}

export type NewAttachment = Omit<
  Attachment,
  | 'status'
  | 'contentType'
  | 'byteSize'
  | 'claimKey'
  | 'messageId'
  | 'position'
  | keyof AttachmentMedia
>;

/** Storage keys of link preview images start so (chosen by Chatter, never by users). */
export const LINK_PREVIEW_KEY_PREFIX = 'link-previews/';

/** Whether an attachment holds a link preview's image (not a file the sender attached). */
export const isLinkPreviewImage = (attachment: { storageKey: string }): boolean =>
  attachment.storageKey.startsWith(LINK_PREVIEW_KEY_PREFIX);
