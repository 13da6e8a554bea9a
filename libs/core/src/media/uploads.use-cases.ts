import type { Readable } from 'node:stream';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainError, invalid, notFound } from '../shared/domain-error';
import { isWellFormedId, newId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { RateLimiter } from '../limits/rate-limiter.port';
import { enforceRateLimit } from '../limits/rate-limit';
import { ConversationAccess } from '../messaging/conversation-access';
import { AttachmentKind } from './attachment';
import { TenantSafety } from '../safety/tenant-safety';
import { Attachment } from './attachment';
import { AttachmentRepository } from './attachment.repository';
import { checkDeclaredType, decideContentType, kindOf } from './content-policy';
import { ContentSniffer } from './content-sniffer.port';
import { checkFileName } from './file-name';
import { FileStorage } from './file-storage.port';
import { FileTokens } from './file-tokens';
import { MediaProcessing } from './media-processing.use-cases';

/** Where and how the client sends the bytes of a new attachment. */
export interface UploadTarget {
  /** POST: a form post of `fields` then the file as `file`; PUT: the raw bytes as the body. */
  method: 'POST' | 'PUT';
  /** Absolute for storage-presigned posts; a path on the API (starting with `/`) otherwise. */
  url: string;
  fields: Record<string, string>;
  expiresAt: Date;
}

export interface UploadLimits {
  maxBytes: number;
  userQuotaBytes: number;
  tenantQuotaBytes: number;
  usedBytes: number;
  maxAttachmentsPerMessage: number;
  /** Kinds of file the tenant lets its members share (empty: none). */
  allowedKinds: AttachmentKind[];
}

/** Path of the API's upload endpoint (embedded storage), followed by the upload token. */
export const UPLOAD_PATH = '/files/upload/';

/**
 * Uploading an attachment in two steps: `create` checks the declared name, size and type, the
 * member's quota and rate, and hands out an upload target whose size the storage enforces;
 * `finalize` checks the stored bytes and makes the attachment sendable.
 */
@UseCase()
export class Uploads {
  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly storage: FileStorage,
    private readonly sniffer: ContentSniffer,
    private readonly tokens: FileTokens,
    private readonly access: ConversationAccess,
    private readonly limiter: RateLimiter,
    private readonly processing: MediaProcessing,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly safety: TenantSafety,
  ) {}

  async limits(actor: Actor): Promise<UploadLimits> {
    return {
      maxBytes: this.settings.uploadMaxBytes,
      userQuotaBytes: this.settings.uploadUserQuotaBytes,
      tenantQuotaBytes: this.settings.uploadTenantQuotaBytes,
      usedBytes: await this.attachments.usage(actor.tenantId, actor.userId),
      maxAttachmentsPerMessage: this.settings.maxAttachmentsPerMessage,
      allowedKinds: (await this.safety.settings(actor.tenantId)).allowedAttachmentKinds,
    };
  }

  async create(
    actor: Actor,
    input: { conversationId: string; fileName: string; byteSize: number; contentType: string },
  ): Promise<{ attachment: Attachment; target: UploadTarget }> {
    const name = checkFileName(input.fileName);
    const size = input.byteSize;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw invalid('byteSize', 'byteSize must be a whole number of bytes, at least 1');
    }
    if (size > this.settings.uploadMaxBytes) {
      throw new DomainError(
        'FILE_TOO_LARGE',
        `files can be at most ${this.settings.uploadMaxBytes} bytes`,
        { maxBytes: this.settings.uploadMaxBytes },
      );
    }
    const declaredType = checkDeclaredType(name, input.contentType);
    // What it would be if the bytes agree; finalize checks what they turn out to be.
    await this.safety.allowAttachment(actor.tenantId, kindOf(declaredType));
    const { conversation } = await this.access.member(actor, input.conversationId);
    await enforceRateLimit(
      this.limiter,
      `upload:${actor.tenantId}:${actor.userId}`,
      this.settings.uploadsPerUser,
      'uploads',
    );
    await this.checkQuota(actor, size);
    const id = newId();
    const now = this.clock.now();
    const attachment = await this.attachments.create({
      id,
      tenantId: actor.tenantId,
      conversationId: conversation.id,
      uploaderId: actor.userId,
      name,
      declaredType,
      declaredSize: size,
      kind: 'FILE',
      storageKey: `${actor.tenantId}/${id}/original`,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.unattachedUploadTtlMs),
    });
    const ttl = this.settings.uploadUrlTtlSeconds;
    const presigned = await this.storage.presignUpload(attachment.storageKey, {
      maxBytes: size,
      expiresInSeconds: ttl,
    });
    if (presigned) return { attachment, target: presigned };
    const { token, expiresAt } = this.tokens.issue(
      { purpose: 'upload', tenantId: actor.tenantId, attachmentId: id, userId: actor.userId },
      ttl,
    );
    return {
      attachment,
      target: { method: 'PUT', url: `${UPLOAD_PATH}${token}`, fields: {}, expiresAt },
    };
  }

  /**
   * Receives the bytes of an upload through the API (storage without presigned uploads): the
   * token says which attachment; the body is streamed to storage and cut off past the declared
   * size. A second upload to the same attachment is refused.
   */
  async receive(
    token: string,
    body: Readable,
    declaredLength: number | null = null,
  ): Promise<{ size: number }> {
    const claims = this.tokens.verify(token, 'upload');
    const attachment = await this.attachments.findById(claims.tenantId, claims.attachmentId);
    if (!attachment || attachment.uploaderId !== claims.userId) throw notFound('upload');
    if (attachment.status !== 'PENDING' || (await this.storage.stat(attachment.storageKey))) {
      throw new DomainError('CONFLICT', 'this file was already uploaded');
    }
    if (declaredLength !== null && declaredLength > attachment.declaredSize) {
      throw new DomainError('FILE_TOO_LARGE', 'the body is larger than the declared size', {
        maxBytes: attachment.declaredSize,
      });
    }
    return this.storage.write(attachment.storageKey, body, { maxBytes: attachment.declaredSize });
  }

  /**
   * Checks the uploaded bytes: present, 1 to the declared size, of a type the policy accepts
   * and that agrees with the declaration. A refused file is deleted with its attachment.
   */
  async finalize(actor: Actor, attachmentId: string): Promise<Attachment> {
    const attachment = isWellFormedId(attachmentId)
      ? await this.attachments.findById(actor.tenantId, attachmentId)
      : null;
    if (!attachment || attachment.uploaderId !== actor.userId) throw notFound('attachment');
    if (attachment.status === 'READY') return attachment;
    const stored = await this.storage.stat(attachment.storageKey);
    if (!stored) throw invalid('attachmentId', 'nothing was uploaded for this attachment yet');
    try {
      if (stored.size === 0) throw invalid('file', 'the file is empty');
      if (stored.size > attachment.declaredSize || stored.size > this.settings.uploadMaxBytes) {
        throw new DomainError('FILE_TOO_LARGE', 'the file is larger than declared', {
          maxBytes: attachment.declaredSize,
        });
      }
      const head = await this.readHead(attachment.storageKey, stored.size);
      const sniffed = await this.sniffer.sniff(head);
      const decided = decideContentType(attachment.declaredType, sniffed, head);
      await this.safety.allowAttachment(actor.tenantId, decided.kind);
      const ready = await this.attachments.markReady(actor.tenantId, attachment.id, {
        byteSize: stored.size,
        ...decided,
      });
      if (!ready) throw notFound('attachment');
      // Thumbnails and metadata stripping happen after this answer (MediaProcessing).
      if (decided.kind !== 'FILE') this.processing.ensure(ready);
      return ready;
    } catch (error) {
      if (error instanceof DomainError && error.code !== 'NOT_FOUND')
        await this.discard(attachment);
      throw error;
    }
  }

  private async readHead(key: string, size: number): Promise<Buffer> {
    const end = Math.min(size, this.sniffer.headBytes) - 1;
    const stream = await this.storage.read(key, { start: 0, end });
    if (!stream) throw notFound('attachment');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).subarray(0, end + 1);
  }

  private async discard(attachment: Attachment): Promise<void> {
    await this.storage.delete(attachment.storageKey);
    await this.storage.delete(`${attachment.tenantId}/${attachment.id}/thumbnail`);
    await this.attachments.delete(attachment.tenantId, attachment.id);
  }

  private async checkQuota(actor: Actor, size: number): Promise<void> {
    const { uploadUserQuotaBytes: userQuota, uploadTenantQuotaBytes: tenantQuota } = this.settings;
    if (userQuota > 0) {
      const used = await this.attachments.usage(actor.tenantId, actor.userId);
      if (used + size > userQuota) {
        throw new DomainError('QUOTA_EXCEEDED', 'your storage quota is used up', {
          quotaBytes: userQuota,
          usedBytes: used,
        });
      }
    }
    if (tenantQuota > 0) {
      const used = await this.attachments.usage(actor.tenantId, null);
      if (used + size > tenantQuota) {
        throw new DomainError('QUOTA_EXCEEDED', "this organisation's storage quota is used up", {
          quotaBytes: tenantQuota,
        });
      }
    }
  }
}
