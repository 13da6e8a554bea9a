import { MessageId, TenantId } from '../../shared/ids';
import { LoggedEvent } from '../message';
import { LinkPreview, PageMetadata } from './link-preview';

/** A cached fetch: the page's metadata, or null when the page gave none (also cached). */
export interface CachedPage {
  metadata: PageMetadata | null;
}

/** Link previews of messages, and the per-URL cache of fetched pages. */
export abstract class LinkPreviewRepository {
  /** The cached result for the URL unless it expired by `now`; null when none. */
  abstract cachedPage(url: string, now: Date): Promise<CachedPage | null>;
  /** Caches the result for the URL until `expiresAt` (replacing an earlier one). */
  abstract cachePage(url: string, metadata: PageMetadata | null, expiresAt: Date): Promise<void>;
  /**
   * Stores the message's preview with a MESSAGE_UPDATED entry in its conversation's log, in one
   * write. Null (nothing stored) when the message is absent or deleted, or it has (or had: a
   * removed preview never comes back) a preview already.
   */
  abstract attach(preview: LinkPreview): Promise<LoggedEvent | null>;
  /**
   * Removes the message's preview with a MESSAGE_UPDATED entry; null when it showed none (then
   * nothing is logged). Either way the removal is remembered: no preview is attached later.
   */
  abstract remove(tenantId: TenantId, messageId: MessageId, at: Date): Promise<LoggedEvent | null>;
  /** The (not removed) previews of the messages. */
  abstract findByMessages(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
  ): Promise<LinkPreview[]>;
}
