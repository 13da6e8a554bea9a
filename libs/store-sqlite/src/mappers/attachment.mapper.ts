import { Attachment, AttachmentKind, AttachmentStatus } from '@chatter/core';
import { fromMs } from '../time';

export interface AttachmentRow {
  tenant_id: string;
  id: string;
  conversation_id: string;
  uploader_id: string;
  name: string;
  declared_type: string;
  declared_size: number;
  status: string;
  content_type: string | null;
  byte_size: number | null;
  kind: string;
  storage_key: string;
  claim_key: string | null;
  message_id: string | null;
  position: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  thumbnail_key: string | null;
  placeholder: string | null;
  created_at: number;
  expires_at: number | null;
}

export const toAttachment = (r: AttachmentRow): Attachment => ({
  id: r.id,
  tenantId: r.tenant_id,
  conversationId: r.conversation_id,
  uploaderId: r.uploader_id,
  name: r.name,
  declaredType: r.declared_type,
  declaredSize: r.declared_size,
  status: r.status as AttachmentStatus,
  contentType: r.content_type,
  byteSize: r.byte_size,
  kind: r.kind as AttachmentKind,
  storageKey: r.storage_key,
  claimKey: r.claim_key,
  messageId: r.message_id,
  position: r.position,
  width: r.width,
  height: r.height,
  durationMs: r.duration_ms,
  thumbnailKey: r.thumbnail_key,
  placeholder: r.placeholder,
  createdAt: fromMs(r.created_at),
  expiresAt: r.expires_at === null ? null : fromMs(r.expires_at),
});
