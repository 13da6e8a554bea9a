import { Clock } from '../shared/clock';
import { DomainError } from '../shared/domain-error';
import { DomainService } from '../shared/domain-service';
import { TenantId } from '../shared/ids';
import { AttachmentKind } from '../media/attachment';
import { defaultSafetySettings, TenantSafetySettings } from './safety-settings';
import { SafetySettingsRepository } from './safety-settings.repository';
import { WordFilter } from './word-filter';

/**
 * How long an instance keeps a tenant's compiled settings. The instance that saves a change drops
 * its copy at once; other instances of a cluster see the change within this time.
 */
export const SAFETY_CACHE_TTL_MS = 10_000;
const CACHE_MAX_TENANTS = 10_000;

interface Compiled {
  settings: TenantSafetySettings;
  filter: WordFilter;
  loadedAt: number;
}

/**
 * A tenant's safety settings as the send path needs them: read once, the word list compiled once,
 * kept per tenant until a change (or SAFETY_CACHE_TTL_MS).
 */
@DomainService()
export class TenantSafety {
  private readonly cache = new Map<TenantId, Compiled>();

  constructor(
    private readonly repository: SafetySettingsRepository,
    private readonly clock: Clock,
  ) {}

  async settings(tenantId: TenantId): Promise<TenantSafetySettings> {
    return (await this.compiled(tenantId)).settings;
  }

  /**
   * Applies the word filter to user text (a message body, a conversation title): the text itself
   * when nothing matches or the filter is off, masked in MASK mode, refused with CONTENT_BLOCKED
   * in BLOCK mode.
   */
  async filter(tenantId: TenantId, field: string, text: string): Promise<string> {
    const { settings, filter } = await this.compiled(tenantId);
    if (settings.wordFilterMode === 'OFF' || filter.size === 0) return text;
    if (settings.wordFilterMode === 'MASK') return filter.mask(text);
    if (filter.matches(text))
      throw new DomainError(
        'CONTENT_BLOCKED',
        `the ${field} contains a word this community does not allow`,
        {
          field,
        },
      );
    return text;
  }

  /** Refuses (FILE_TYPE_REFUSED, reason TENANT_POLICY) a kind of file the tenant does not allow. */
  async allowAttachment(tenantId: TenantId, kind: AttachmentKind): Promise<void> {
    const { settings } = await this.compiled(tenantId);
    if (settings.allowedAttachmentKinds.includes(kind)) return;
    throw new DomainError(
      'FILE_TYPE_REFUSED',
      `this community does not allow sharing ${KIND_NAMES[kind]}`,
      { reason: 'TENANT_POLICY', kind },
    );
  }

  /** Drops the cached copy after a change. */
  invalidate(tenantId: TenantId): void {
    this.cache.delete(tenantId);
  }

  private async compiled(tenantId: TenantId): Promise<Compiled> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(tenantId);
    if (hit && now - hit.loadedAt < SAFETY_CACHE_TTL_MS) return hit;
    const settings = (await this.repository.find(tenantId)) ?? defaultSafetySettings(tenantId);
    const entry: Compiled = {
      settings,
      // Recompiled only when the list changed, not on every expiry.
      filter:
        hit && sameWords(hit.settings.filterWords, settings.filterWords)
          ? hit.filter
          : WordFilter.compile(settings.filterWords),
      loadedAt: now,
    };
    if (this.cache.size >= CACHE_MAX_TENANTS && !hit) this.cache.clear();
    this.cache.set(tenantId, entry);
    return entry;
  }
}

const KIND_NAMES: Record<AttachmentKind, string> = {
  IMAGE: 'photos',
  AUDIO: 'voice notes and audio',
  VIDEO: 'videos',
  FILE: 'files',
};

const sameWords = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);
