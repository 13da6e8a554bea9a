import { Clock } from '../shared/clock';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { AttachmentRepository } from './attachment.repository';
import { FileStorage } from './file-storage.port';

/**
 * Deleting files that nobody may see any more: uploads never sent (after
 * `unattachedUploadTtlMs`) and the attachments of deleted messages (after
 * `attachmentDeleteGraceMs`). Access ends at once in both cases; only the bytes wait.
 */
@UseCase()
export class AttachmentLifecycle {
  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly storage: FileStorage,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Schedules the purge of a deleted message's attachments. */
  async messageDeleted(tenantId: string, messageId: string): Promise<void> {
    const at = new Date(this.clock.now().getTime() + this.settings.attachmentDeleteGraceMs);
    await this.attachments.expireWithMessage(tenantId, messageId, at);
  }

  /** Deletes up to `limit` expired attachments with their files; returns how many. */
  async sweep(limit = 100): Promise<number> {
    const due = await this.attachments.listExpired(this.clock.now(), limit);
    for (const a of due) {
      // Files first: a crash in between leaves a row that the next sweep retries.
      await this.storage.delete(a.storageKey);
      await this.storage.delete(`${a.tenantId}/${a.id}/thumbnail`);
      await this.attachments.delete(a.tenantId, a.id);
    }
    return due.length;
  }
}
