import { Readable } from 'node:stream';
import { DomainService } from '../shared/domain-service';
import { TenantId } from '../shared/ids';
import { RealtimePublisher } from '../events/realtime-publisher';
import { Attachment, AttachmentMedia } from './attachment';
import { AttachmentRepository } from './attachment.repository';
import { FileStorage } from './file-storage.port';
import { ImageProcessor } from './image-processor.port';
import { MediaProber } from './media-prober.port';

/** Images processed at once per process (sharp itself spreads each over libuv's threads). */
const CONCURRENCY = 2;

/**
 * Whether an attachment still waits for media processing: an image is not served until its
 * metadata-free copy replaced the upload (so EXIF location never leaves the server).
 */
export const isProcessing = (a: Pick<Attachment, 'status' | 'kind' | 'thumbnailKey'>): boolean =>
  a.status === 'READY' && a.kind === 'IMAGE' && a.thumbnailKey === null;

/**
 * Media work done after finalize, off the request path, in an in-process queue: an image is
 * re-encoded without metadata (EXIF location included) with its orientation applied, measured,
 * and given a thumbnail and a tiny placeholder; audio and video get their length where the
 * container headers give it. Success or failure, the attachment is updated
 * and an ATTACHMENT_UPDATED event goes out (to the conversation once the attachment is sent,
 * else to its uploader). A file that does not decode becomes a plain FILE, still downloadable.
 *
 * The queue lives in memory: work lost to a restart is queued again the next time someone asks
 * for the file ({@link ensure}), so nothing stays "processing" for good.
 */
@DomainService()
export class MediaProcessing {
  private readonly waiting: { tenantId: TenantId; id: string }[] = [];
  private readonly known = new Set<string>();
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly storage: FileStorage,
    private readonly images: ImageProcessor,
    private readonly publisher: RealtimePublisher,
    private readonly prober: MediaProber,
  ) {}

  /** Queues the attachment's processing unless it is queued or running already. */
  ensure(attachment: Pick<Attachment, 'tenantId' | 'id'>): void {
    const key = `${attachment.tenantId}/${attachment.id}`;
    if (this.known.has(key)) return;
    this.known.add(key);
    this.waiting.push({ tenantId: attachment.tenantId, id: attachment.id });
    this.pump();
  }

  /** Resolves once nothing is queued or running (shutdown, tests). */
  whenIdle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < CONCURRENCY && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.active++;
      void this.run(next.tenantId, next.id).finally(() => {
        this.active--;
        this.known.delete(`${next.tenantId}/${next.id}`);
        this.pump();
        if (this.active === 0 && this.waiting.length === 0) {
          for (const resolve of this.idle.splice(0)) resolve();
        }
      });
    }
  }

  private async run(tenantId: TenantId, id: string): Promise<void> {
    try {
      const attachment = await this.attachments.findById(tenantId, id);
      if (!attachment) return;
      if (isProcessing(attachment)) {
        const media = await this.processImage(attachment);
        const updated = media
          ? await this.attachments.setMedia(tenantId, id, media)
          : await this.attachments.markPlainFile(tenantId, id);
        if (updated) await this.announce(updated);
      } else if (
        (attachment.kind === 'AUDIO' || attachment.kind === 'VIDEO') &&
        attachment.durationMs === null
      ) {
        // Served meanwhile: the length is a nicety, announced when known.
        const source = await this.storage.read(attachment.storageKey);
        const durationMs = source
          ? await this.prober.durationMs(source, attachment.contentType ?? attachment.declaredType)
          : null;
        if (durationMs === null) return;
        const updated = await this.attachments.setMedia(tenantId, id, {
          width: attachment.width,
          height: attachment.height,
          durationMs,
          thumbnailKey: attachment.thumbnailKey,
          placeholder: attachment.placeholder,
        });
        if (updated) await this.announce(updated);
      }
    } catch {
      // The store failed: left as it is, queued again when someone asks for the file.
    }
  }

  private async announce(attachment: Attachment): Promise<void> {
    const event = {
      type: 'ATTACHMENT_UPDATED' as const,
      tenantId: attachment.tenantId,
      conversationId: attachment.conversationId,
      attachment,
    };
    if (attachment.messageId) await this.publisher.toConversation(event);
    else await this.publisher.toUser(attachment.uploaderId, event);
  }

  /**
   * Replaces the upload with a re-encoded copy without metadata and its orientation applied,
   * then stores a thumbnail; null when the bytes do not decode as an image.
   */
  private async processImage(attachment: Attachment): Promise<AttachmentMedia | null> {
    const cleanKey = `${attachment.tenantId}/${attachment.id}/clean`;
    const thumbnailKey = `${attachment.tenantId}/${attachment.id}/thumbnail`;
    const cap = { maxBytes: Math.max(attachment.declaredSize * 2, 1024 * 1024) };
    try {
      const original = await this.storage.read(attachment.storageKey);
      if (!original) return null;
      // Re-encoding can grow a file somewhat; the cap still bounds it.
      const contentType = attachment.contentType ?? attachment.declaredType;
      await this.storage.write(cleanKey, this.images.sanitize(original, contentType), cap);
      const described = await this.images.describe((await this.storage.read(cleanKey))!);
      await this.storage.write(thumbnailKey, Readable.from([described.thumbnail]), {
        maxBytes: 4 * 1024 * 1024,
      });
      // The clean copy becomes the original: the file with metadata is gone.
      await this.storage.write(attachment.storageKey, (await this.storage.read(cleanKey))!, cap);
      await this.storage.delete(cleanKey);
      return {
        width: described.width,
        height: described.height,
        durationMs: null,
        thumbnailKey,
        placeholder: described.placeholder,
      };
    } catch {
      await Promise.all([this.storage.delete(cleanKey), this.storage.delete(thumbnailKey)]).catch(
        () => undefined,
      );
      return null;
    }
  }
}
