import { ConversationId, MessageId, TenantId, UserId } from '../shared/ids';
import { Attachment, AttachmentKind, AttachmentMedia, NewAttachment } from './attachment';

/** Attachments and their files' facts. Tenant-scoped: nothing crosses tenants. */
export abstract class AttachmentRepository {
  /** Stores a PENDING attachment. */
  abstract create(input: NewAttachment): Promise<Attachment>;

  abstract findById(tenantId: TenantId, id: string): Promise<Attachment | null>;

  abstract findByIds(tenantId: TenantId, ids: readonly string[]): Promise<Attachment[]>;

  /** PENDING → READY with the checked facts; null when absent or not PENDING. */
  abstract markReady(
    tenantId: TenantId,
    id: string,
    facts: { byteSize: number; contentType: string; kind: AttachmentKind },
  ): Promise<Attachment | null>;

  /** Media processing could not decode it: it stays a plain FILE (a download); null when absent. */
  abstract markPlainFile(tenantId: TenantId, id: string): Promise<Attachment | null>;

  /** Records what media processing found; null when absent. */
  abstract setMedia(
    tenantId: TenantId,
    id: string,
    media: AttachmentMedia,
  ): Promise<Attachment | null>;

  /**
   * Reserves the attachments for one send, all or none: each must be READY, uploaded by
   * `uploaderId` into `conversationId`, and either unclaimed or already claimed with the same
   * `claimKey` (a retry of that send). Returns whether all were reserved. Atomic, also across
   * processes sharing the store: two sends can never both reserve an attachment.
   */
  abstract claim(
    tenantId: TenantId,
    ids: readonly string[],
    owner: { uploaderId: UserId; conversationId: ConversationId; claimKey: string },
  ): Promise<boolean>;

  /** Binds reserved attachments to the message, in the order of `ids` (clearing `expiresAt`). */
  abstract bind(
    tenantId: TenantId,
    ids: readonly string[],
    claimKey: string,
    messageId: MessageId,
  ): Promise<void>;

  /** The attachments of the messages, each message's in order. */
  abstract listByMessages(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
  ): Promise<Attachment[]>;

  abstract delete(tenantId: TenantId, id: string): Promise<void>;

  /** Sets `expiresAt` of the message's attachments (its deletion schedules their purge). */
  abstract expireWithMessage(tenantId: TenantId, messageId: MessageId, at: Date): Promise<number>;

  /**
   * Retention: sets `expiresAt` to `at` on the tenant's attachments uploaded before `before`
   * that have none yet (sent ones; unsent uploads expire anyway). Returns how many.
   */
  abstract expireUploadedBefore(tenantId: TenantId, before: Date, at: Date): Promise<number>;

  /** Attachments of any tenant whose `expiresAt` has passed, oldest first. */
  abstract listExpired(now: Date, limit: number): Promise<Attachment[]>;

  /** Bytes held by the user's (or, with null, the whole tenant's) attachments; a PENDING one counts its declared size. */
  abstract usage(tenantId: TenantId, uploaderId: UserId | null): Promise<number>;
}
