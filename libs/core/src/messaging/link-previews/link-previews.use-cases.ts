import { Readable } from 'node:stream';
import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, forbidden, notFound } from '../../shared/domain-error';
import { isWellFormedId, newId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { Attachment, LINK_PREVIEW_KEY_PREFIX } from '../../media/attachment';
import { AttachmentRepository } from '../../media/attachment.repository';
import { ContentSniffer } from '../../media/content-sniffer.port';
import { INLINE_TYPES } from '../../media/content-policy';
import { FileStorage } from '../../media/file-storage.port';
import { MediaProcessing } from '../../media/media-processing.use-cases';
import { Conversation } from '../conversation';
import { ConversationAccess } from '../conversation-access';
import { Message } from '../message';
import { MessageRepository } from '../message.repository';
import { firstLink } from './first-link';
import { LinkPreview, PageMetadata } from './link-preview';
import { LinkPreviewFetcher } from './link-preview-fetcher.port';
import { LinkPreviewQueue } from './link-preview-queue';
import { LinkPreviewRepository } from './link-preview.repository';

/** Raster images a preview may show (the inline types minus audio and video). */
const PREVIEW_IMAGE_TYPES = [...INLINE_TYPES].filter((t) => t.startsWith('image/'));

/**
 * Link previews: after a message is sent, the server fetches its first http(s) link (through
 * the guarded {@link LinkPreviewFetcher}), keeps the page's title, description and image (the
 * image stored as an attachment of the message, served like any attachment, never hot-linked),
 * and announces the preview with a MESSAGE_UPDATED event. The sender may remove it.
 */
@UseCase()
export class LinkPreviews {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private idle: (() => void)[] = [];
  /** Fetches under way, by URL: the same link sent twice at once is fetched once. */
  private readonly fetching = new Map<string, Promise<PageMetadata | null>>();

  constructor(
    private readonly previews: LinkPreviewRepository,
    private readonly fetcher: LinkPreviewFetcher,
    private readonly messages: MessageRepository,
    private readonly access: ConversationAccess,
    private readonly attachments: AttachmentRepository,
    private readonly storage: FileStorage,
    private readonly sniffer: ContentSniffer,
    private readonly processing: MediaProcessing,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    queue: LinkPreviewQueue,
  ) {
    queue.setWorker((conversation, message) => this.enqueue(conversation, message));
  }

  /** Queues the preview of a newly sent message (never blocks or fails the send). */
  enqueue(conversation: Conversation, message: Message): void {
    if (!this.settings.linkPreviews.enabled) return;
    if (message.call || message.deletedAt) return;
    const url = firstLink(message.body);
    if (!url) return;
    if (this.waiting.length >= this.settings.linkPreviews.maxQueued) return;
    this.waiting.push(() => this.generate(conversation, message, url));
    this.pump();
  }

  /** Resolves once no preview is being fetched or waiting (tests, shutdown). */
  drained(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * The sender removes the preview of their message (a MESSAGE_UPDATED event tells everyone); one
   * still being fetched is never attached. Removing again changes nothing.
   */
  async remove(actor: Actor, messageId: string): Promise<Message> {
    const message = isWellFormedId(messageId)
      ? await this.messages.findById(actor.tenantId, messageId)
      : null;
    if (!message) throw notFound('message');
    const membership = await this.access.member(actor, message.conversationId).catch((error) => {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw notFound('message');
      throw error;
    });
    if (message.senderId !== actor.userId)
      throw forbidden('only the sender can remove a link preview');
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const event = await this.previews.remove(actor.tenantId, message.id, this.clock.now());
    if (event) await this.publisher.logged(membership.conversation, event, message);
    return message;
  }

  /**
   * The previews of these messages, in order: null where none was kept or it was removed. For
   * messages the actor can already see (one batched read).
   */
  async ofMessages(actor: Actor, messageIds: readonly string[]): Promise<(LinkPreview | null)[]> {
    const found = await this.previews.findByMessages(actor.tenantId, messageIds);
    const byId = new Map(found.map((p) => [p.messageId, p]));
    return messageIds.map((id) => byId.get(id) ?? null);
  }

  /**
   * Preview images by attachment id, in order (null where there is none): one batched read.
   * Which of them a preview shows is `shownPreviewImage`'s rule.
   */
  async images(actor: Actor, attachmentIds: readonly string[]): Promise<(Attachment | null)[]> {
    const found = await this.attachments.findByIds(actor.tenantId, attachmentIds);
    const byId = new Map(found.map((a) => [a.id, a]));
    return attachmentIds.map((id) => byId.get(id) ?? null);
  }

  private pump(): void {
    while (this.running < this.settings.linkPreviews.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running += 1;
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.running === 0 && this.waiting.length === 0) {
            const idle = this.idle;
            this.idle = [];
            for (const resolve of idle) resolve();
          }
        });
    }
  }

  private async generate(conversation: Conversation, message: Message, url: string) {
    const metadata = await this.page(url);
    if (!metadata || (!metadata.title && !metadata.description && !metadata.imageUrl)) return;
    const imageAttachmentId = metadata.imageUrl
      ? await this.storeImage(message, metadata.imageUrl).catch(() => null)
      : null;
    const preview: LinkPreview = {
      tenantId: message.tenantId,
      messageId: message.id,
      url: metadata.url,
      title: metadata.title,
      description: metadata.description,
      siteName: metadata.siteName,
      imageAttachmentId,
      createdAt: this.clock.now(),
    };
    const event = await this.previews.attach(preview);
    if (event) await this.publisher.logged(conversation, event, message);
  }

  private page(url: string): Promise<PageMetadata | null> {
    const pending = this.fetching.get(url);
    if (pending) return pending;
    const fetched = this.fetchPage(url).finally(() => this.fetching.delete(url));
    this.fetching.set(url, fetched);
    return fetched;
  }

  private async fetchPage(url: string): Promise<PageMetadata | null> {
    const now = this.clock.now();
    const cached = await this.previews.cachedPage(url, now);
    if (cached) return cached.metadata;
    const metadata = await this.fetcher.page(url).catch(() => null);
    await this.previews.cachePage(
      url,
      metadata,
      new Date(now.getTime() + this.settings.linkPreviews.cacheTtlMs),
    );
    return metadata;
  }

  /** Fetches the image under the same rules and keeps it as an attachment of the message. */
  private async storeImage(message: Message, imageUrl: string): Promise<string | null> {
    const maxBytes = Math.min(
      this.settings.linkPreviews.imageMaxBytes,
      this.settings.uploadMaxBytes,
    );
    const image = await this.fetcher.image(imageUrl, maxBytes);
    if (!image || image.bytes.length === 0 || image.bytes.length > maxBytes) return null;
    // The type comes from the bytes, never from the remote server.
    const sniffed = await this.sniffer.sniff(image.bytes.subarray(0, this.sniffer.headBytes));
    if (!sniffed || !PREVIEW_IMAGE_TYPES.includes(sniffed.mime)) return null;
    const id = newId();
    const key = `${LINK_PREVIEW_KEY_PREFIX}${message.tenantId}/${id}`;
    const stored = await this.storage.write(key, Readable.from([image.bytes]), { maxBytes });
    const claimKey = `link-preview.${message.id}`;
    const owner = {
      uploaderId: message.senderId,
      conversationId: message.conversationId,
      claimKey,
    };
    try {
      await this.attachments.create({
        id,
        tenantId: message.tenantId,
        conversationId: message.conversationId,
        uploaderId: message.senderId,
        name: `preview.${sniffed.ext}`,
        declaredType: sniffed.mime,
        declaredSize: stored.size,
        kind: 'IMAGE',
        storageKey: key,
        createdAt: this.clock.now(),
        expiresAt: null,
      });
      const ready = await this.attachments.markReady(message.tenantId, id, {
        byteSize: stored.size,
        contentType: sniffed.mime,
        kind: 'IMAGE',
      });
      if (!ready || !(await this.attachments.claim(message.tenantId, [id], owner))) {
        await this.discard(message, id, key);
        return null;
      }
      await this.attachments.bind(message.tenantId, [id], claimKey, message.id);
      // Metadata stripped and a thumbnail made, as for uploads.
      this.processing.ensure(ready);
      return id;
    } catch (error) {
      await this.discard(message, id, key);
      throw error;
    }
  }

  private async discard(message: Message, id: string, key: string): Promise<void> {
    await this.attachments.delete(message.tenantId, id).catch(() => undefined);
    await this.storage.delete(key).catch(() => undefined);
  }
}
