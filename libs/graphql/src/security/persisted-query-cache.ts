import { MAX_DOCUMENT_LENGTH } from './query-limits';
import { TrustedDocuments } from './trusted-documents';

/** Documents registered by automatic persisted queries (hash + text), least recently used out. */
export const MAX_REGISTERED_DOCUMENTS = 1000;

/** Apollo Server prefixes the keys of its persisted-query cache with this. */
const APQ_PREFIX = 'apq:';

/**
 * Apollo Server's persisted-query store (its `KeyValueCache` shape): the trusted-documents
 * manifest answers its hashes, so a client sends a hash alone from its first request; other
 * documents registered through automatic persisted queries are kept in a bounded LRU, unless
 * trusted documents are enforced (then nothing outside the manifest is kept).
 */
export class PersistedQueryCache {
  private readonly registered = new Map<string, string>();

  constructor(
    private readonly trusted: TrustedDocuments,
    private readonly capacity = MAX_REGISTERED_DOCUMENTS,
  ) {}

  get size(): number {
    return this.registered.size;
  }

  get(key: string): Promise<string | undefined> {
    const hash = key.startsWith(APQ_PREFIX) ? key.slice(APQ_PREFIX.length) : key;
    const known = this.trusted.text(hash);
    if (known !== undefined) return Promise.resolve(known);
    const registered = this.registered.get(hash);
    if (registered !== undefined) {
      this.registered.delete(hash);
      this.registered.set(hash, registered);
    }
    return Promise.resolve(registered);
  }

  set(key: string, value: string): Promise<void> {
    const hash = key.startsWith(APQ_PREFIX) ? key.slice(APQ_PREFIX.length) : key;
    if (this.trusted.enforced || this.trusted.has(hash) || value.length > MAX_DOCUMENT_LENGTH)
      return Promise.resolve();
    this.registered.delete(hash);
    if (this.registered.size >= this.capacity)
      this.registered.delete(this.registered.keys().next().value!);
    this.registered.set(hash, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    const hash = key.startsWith(APQ_PREFIX) ? key.slice(APQ_PREFIX.length) : key;
    return Promise.resolve(this.registered.delete(hash));
  }
}
