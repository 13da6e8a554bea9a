import type { Attachment, AttachmentKind, AttachmentStatus } from '@chatter/core';
import type { AttachmentRecord } from '../schemas/attachment.schema';

export const toAttachment = (r: AttachmentRecord): Attachment => ({
  id: r._id,
  tenantId: r.tenantId,
  conversationId: r.conversationId,
  uploaderId: r.uploaderId,
  name: r.name,
  declaredType: r.declaredType,
  declaredSize: r.declaredSize,
  status: r.status as AttachmentStatus,
  contentType: r.contentType ?? null,
  byteSize: r.byteSize ?? null,
  kind: r.kind as AttachmentKind,
  storageKey: r.storageKey,
  claimKey: r.claimKey ?? null,
  messageId: r.messageId ?? null,
  position: r.position ?? 0,
  width: r.width ?? null,
  height: r.height ?? null,
  durationMs: r.durationMs ?? null,
  thumbnailKey: r.thumbnailKey ?? null,
  placeholder: r.placeholder ?? null,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt ?? null,
});
