import { Clock } from '../shared/clock';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { AttachmentRepository } from './attachment.repository';
import { FileStorage } from './file-storage.port';
import { TenantRepository } from '../tenancy/tenant.repository';

const DAY_MS = 86_400_000;

/**
 * Deleting files that nobody may see any more: uploads never sent (after
 * `unattachedUploadTtlMs`) and the attachments of deleted messages (after
 * `attachmentDeleteGraceMs`), and, where a tenant set a retention, every attachment that many
 * days after its upload. Access ends at once; only the bytes wait for the sweep.
 */
@UseCase()
export class AttachmentLifecycle {
  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly storage: FileStorage,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly tenants: TenantRepository,
  ) {}

  /** Schedules the purge of a deleted message's attachments. */
  async messageDeleted(tenantId: string, messageId: string): Promise<void> {
    const at = new Date(this.clock.now().getTime() + this.settings.attachmentDeleteGraceMs);
    await this.attachments.expireWithMessage(tenantId, messageId, at);
  }

  /** Deletes up to `limit` expired attachments with their files; returns how many. */
  async sweep(limit = 100): Promise<number> {
    await this.applyRetention();
    const due = await this.attachments.listExpired(this.clock.now(), limit);
    for (const a of due) {
      // Files first: a crash in between leaves a row that the next sweep retries.
      await this.storage.delete(a.storageKey);
      await this.storage.delete(`${a.tenantId}/${a.id}/thumbnail`);
      await this.attachments.delete(a.tenantId, a.id);
    }
    return due.length;
  }

  /** Marks the attachments older than their tenant's retention as expired (deleted below). */
  private async applyRetention(): Promise<void> {
    const now = this.clock.now();
    for (const tenant of await this.tenants.list()) {
      const days = tenant.attachmentRetentionDays;
      if (days === null) continue;
      await this.attachments.expireUploadedBefore(
        tenant.id,
        new Date(now.getTime() - days * DAY_MS),
        now,
      );
    }
  }
}
