import type { Readable } from 'node:stream';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { isExpired } from '../messaging/message';
import { DomainError, invalid, notFound } from '../shared/domain-error';
import { isWellFormedId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { ConversationAccess } from '../messaging/conversation-access';
import { MessageRepository } from '../messaging/message.repository';
import { canReadSeq } from '../messaging/read-periods';
import { Attachment, isLinkPreviewImage } from './attachment';
import { AttachmentRepository } from './attachment.repository';
import { isInlineType } from './content-policy';
import { FileStorage } from './file-storage.port';
import { FileTokenPurpose, FileTokens } from './file-tokens';
import { isProcessing, MediaProcessing } from './media-processing.use-cases';

/** Path prefixes of the API's file endpoints; a signed token follows. */
export const DOWNLOAD_PATH = '/files/download/';
export const THUMBNAIL_PATH = '/files/thumbnail/';

export interface OpenedFile {
  attachment: Attachment;
  body: Readable;
  /** Bytes in `body`, and the whole file's size (they differ for a range). */
  length: number;
  totalSize: number;
  range: { start: number; end: number } | null;
  contentType: string;
  /** Whether the browser may render it (raster image, audio, video); else a download. */
  inline: boolean;
}

/**
 * Who may use an attachment: sending it (its uploader, once, in its conversation) and
 * downloading it (members who can see its message, through short-lived signed links that are
 * checked again against membership when used).
 */
@UseCase()
export class AttachmentAccess {
  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly messages: MessageRepository,
    private readonly storage: FileStorage,
    private readonly tokens: FileTokens,
    private readonly access: ConversationAccess,
    private readonly settings: CoreSettings,
    private readonly processing: MediaProcessing,
    private readonly clock: Clock,
  ) {}

  /**
   * Reserves attachments for a send by `actor` in `conversationId` (the caller checked
   * membership). Unknown ids and other people's uploads are NOT_FOUND; an attachment already
   * sent with another message is ATTACHMENT_ALREADY_USED.
   */
  async reserve(
    actor: Actor,
    conversationId: string,
    ids: readonly string[] | null | undefined,
    claimKey: string,
  ): Promise<string[]> {
    if (ids === null || ids === undefined || ids.length === 0) return [];
    if (!Array.isArray(ids) || ids.length > this.settings.maxAttachmentsPerMessage) {
      throw invalid(
        'attachmentIds',
        `a message can carry at most ${this.settings.maxAttachmentsPerMessage} attachments`,
      );
    }
    if (new Set(ids).size !== ids.length) {
      throw invalid('attachmentIds', 'an attachment can appear only once in a message');
    }
    if (!ids.every(isWellFormedId)) throw notFound('attachment');
    const found = await this.attachments.findByIds(actor.tenantId, ids);
    const byId = new Map(found.map((a) => [a.id, a]));
    for (const id of ids) {
      const a = byId.get(id);
      if (!a || a.uploaderId !== actor.userId) throw notFound('attachment');
      if (a.conversationId !== conversationId) {
        throw invalid('attachmentIds', 'an attachment was uploaded to another conversation');
      }
      if (a.status !== 'READY') {
        throw invalid('attachmentIds', 'finalize an upload before sending it');
      }
      if (a.claimKey !== null && a.claimKey !== claimKey) throw alreadyUsed();
    }
    const claimed = await this.attachments.claim(actor.tenantId, ids, {
      uploaderId: actor.userId,
      conversationId,
      claimKey,
    });
    if (!claimed) throw alreadyUsed();
    return [...ids];
  }

  /** Binds reserved attachments to the message that carries them. */
  async bind(
    actor: Actor,
    ids: readonly string[],
    claimKey: string,
    messageId: string,
  ): Promise<void> {
    if (ids.length > 0) await this.attachments.bind(actor.tenantId, ids, claimKey, messageId);
  }

  /**
   * The files sent with these messages, each message's in order (one batched read). A link
   * preview's image belongs to the preview (`LinkPreviews`), not to the files. For messages the
   * actor can already see.
   */
  async ofMessages(actor: Actor, messageIds: readonly string[]): Promise<Attachment[][]> {
    const all = await this.attachments.listByMessages(actor.tenantId, messageIds);
    const grouped = new Map<string, Attachment[]>(messageIds.map((id) => [id, []]));
    for (const a of all) if (!isLinkPreviewImage(a)) grouped.get(a.messageId!)?.push(a);
    return messageIds.map((id) => grouped.get(id) ?? []);
  }

  /** Short-lived links to the file and its thumbnail for `viewer` (who can see the message). */
  links(
    viewer: Actor,
    attachment: Attachment,
  ): { url: string; thumbnailUrl: string | null; expiresAt: Date } {
    const ttl = this.settings.downloadUrlTtlSeconds;
    const base = { tenantId: viewer.tenantId, attachmentId: attachment.id, userId: viewer.userId };
    const file = this.tokens.issue({ ...base, purpose: 'download' }, ttl);
    const url = `${DOWNLOAD_PATH}${file.token}/${encodeURIComponent(attachment.name)}`;
    const thumbnailUrl = attachment.thumbnailKey
      ? `${THUMBNAIL_PATH}${this.tokens.issue({ ...base, purpose: 'thumbnail' }, ttl).token}`
      : null;
    return { url, thumbnailUrl, expiresAt: file.expiresAt };
  }

  /**
   * Opens the file a link names, after checking the link and that its holder can still see
   * the message (a removed member's links stop working at once).
   */
  async open(
    token: string,
    purpose: Exclude<FileTokenPurpose, 'upload'>,
    range: { start: number; end: number | null } | null,
  ): Promise<OpenedFile> {
    const claims = this.tokens.verify(token, purpose);
    const actor: Actor = { tenantId: claims.tenantId, userId: claims.userId, sessionId: null };
    const attachment = await this.attachments.findById(claims.tenantId, claims.attachmentId);
    if (!attachment || attachment.status !== 'READY') throw notFound('file');
    await this.checkCanSee(actor, attachment);
    if (isProcessing(attachment)) {
      // Never the upload with its metadata; work lost to a restart is queued again here.
      this.processing.ensure(attachment);
      throw new DomainError('UNAVAILABLE', 'the file is still being processed; try again shortly');
    }
    const key = purpose === 'thumbnail' ? attachment.thumbnailKey : attachment.storageKey;
    if (!key) throw notFound('file');
    const stored = await this.storage.stat(key);
    if (!stored) throw notFound('file');
    let slice: { start: number; end: number } | null = null;
    if (range) {
      const end = Math.min(range.end ?? stored.size - 1, stored.size - 1);
      if (range.start >= stored.size || range.start > end) {
        throw new DomainError('VALIDATION_FAILED', 'range not satisfiable', {
          field: 'range',
          size: stored.size,
        });
      }
      slice = { start: range.start, end };
    }
    const body = await this.storage.read(key, slice ?? undefined);
    if (!body) throw notFound('file');
    const contentType =
      purpose === 'thumbnail'
        ? 'image/webp'
        : (attachment.contentType ?? 'application/octet-stream');
    return {
      attachment,
      body,
      length: slice ? slice.end - slice.start + 1 : stored.size,
      totalSize: stored.size,
      range: slice,
      contentType,
      // A FILE is downloaded, also an image that did not decode.
      inline:
        purpose === 'thumbnail' ||
        (attachment.kind !== 'FILE' && isInlineType(attachment.contentType)),
    };
  }

  private async checkCanSee(actor: Actor, attachment: Attachment): Promise<void> {
    if (attachment.messageId === null) {
      // Not sent yet: only its uploader, while still a member.
      if (attachment.uploaderId !== actor.userId) throw notFound('file');
      await this.access.member(actor, attachment.conversationId).catch(() => {
        throw notFound('file');
      });
      return;
    }
    // Members, and former members for what they still read (docs/history-visibility.md).
    const [message, readership] = await Promise.all([
      this.messages.findById(actor.tenantId, attachment.messageId),
      this.access.reader(actor, attachment.conversationId).catch(() => null),
    ]);
    if (!message || message.deletedAt || isExpired(message, this.clock.now()) || !readership)
      throw notFound('file');
    if (!canReadSeq(readership.periods, message.seq)) throw notFound('file');
  }
}

const alreadyUsed = () =>
  new DomainError('ATTACHMENT_ALREADY_USED', 'an attachment was already sent with another message');
