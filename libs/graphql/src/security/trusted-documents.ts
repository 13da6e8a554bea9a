import { createHash } from 'node:crypto';
import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  parse,
  SelectionSetNode,
} from 'graphql';
import { MAX_DOCUMENT_LENGTH, MAX_DOCUMENT_TOKENS } from './query-limits';

/** The manifest's keys: lowercase hex sha256 of the document text they map to. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

export const sha256Hex = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The operations a client build may send by hash: GraphQL Code Generator's persisted-documents
 * manifest (`libs/client/src/generated/persisted-documents.json`, sha256 of each text → text).
 * Always used to answer hashes (automatic persisted queries without a round trip); when
 * `enforced` (TRUSTED_DOCUMENTS), the only operations the API runs besides introspection (when
 * allowed) and `__typename`.
 */
export class TrustedDocuments {
  private constructor(
    private readonly documents: ReadonlyMap<string, string>,
    readonly enforced: boolean,
  ) {}

  /** No manifest, nothing enforced: automatic persisted queries only. */
  static none(): TrustedDocuments {
    return new TrustedDocuments(new Map(), false);
  }

  /**
   * Checks every entry (key = sha256 of its text, a text within the document limits) and
   * throws one line naming the first bad entry.
   */
  static fromManifest(manifest: unknown, enforced: boolean): TrustedDocuments {
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
      throw new Error('the manifest must be a JSON object of sha256 hash → document text');
    const documents = new Map<string, string>();
    for (const [hash, text] of Object.entries(manifest as Record<string, unknown>)) {
      if (!SHA256_HEX.test(hash)) throw new Error(`"${hash.slice(0, 80)}" is not a sha256 hash`);
      if (typeof text !== 'string' || text.length === 0 || text.length > MAX_DOCUMENT_LENGTH)
        throw new Error(`the document of ${hash} is not a text of 1–${MAX_DOCUMENT_LENGTH} chars`);
      if (sha256Hex(text) !== hash)
        throw new Error(`the document of ${hash} does not hash to it (regenerate the manifest)`);
      documents.set(hash, text);
    }
    if (enforced && documents.size === 0)
      throw new Error('the manifest is empty: no operation could run');
    return new TrustedDocuments(documents, enforced);
  }

  get size(): number {
    return this.documents.size;
  }

  /** The document text of a hash, if the manifest has it. */
  text(hash: string): string | undefined {
    return this.documents.get(hash);
  }

  has(hash: string): boolean {
    return this.documents.has(hash);
  }
}

/** What a request carries: GraphQL-over-HTTP's `query` and Apollo's persisted-query extension. */
export interface OperationRequest {
  readonly query?: unknown;
  readonly extensions?: unknown;
}

export type Admission =
  /** Run it; `query` is the manifest's text when the request named a known hash. */
  | { readonly admitted: true; readonly query?: string; readonly hash?: string }
  | { readonly admitted: false; readonly error: GraphQLError };

/** The stable refusal: the operation is not one of the trusted documents. */
export const notInList = () =>
  new GraphQLError(
    'only trusted documents run on this server: send the sha256 hash of an operation of its manifest',
    { extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } } },
  );

/** The hash of `extensions.persistedQuery` (Apollo's convention, version 1), if well formed. */
export function persistedQueryHash(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const pq = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (typeof pq !== 'object' || pq === null) return undefined;
  const hash = (pq as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' && SHA256_HEX.test(hash) ? hash : undefined;
}

/**
 * Decides whether a request may run, before it is parsed or validated (HTTP and WebSocket alike):
 * a known hash runs the manifest's text; without enforcement anything else goes on to the usual
 * checks; with it, only a text that is itself in the manifest, a query of `__typename` alone,
 * or, when `introspection` is allowed, a query of introspection fields alone.
 */
export function admitOperation(
  trusted: TrustedDocuments,
  request: OperationRequest,
  introspection: boolean,
): Admission {
  const hash = persistedQueryHash(request.extensions);
  const text = hash === undefined ? undefined : trusted.text(hash);
  if (text !== undefined) return { admitted: true, query: text, hash };
  if (!trusted.enforced) return { admitted: true };
  const query = request.query;
  if (typeof query === 'string' && query.length <= MAX_DOCUMENT_LENGTH) {
    if (trusted.has(sha256Hex(query))) return { admitted: true, query };
    if (query.includes('__') && selectsOnly(query, introspection)) return { admitted: true };
  }
  return { admitted: false, error: notInList() };
}

const META_FIELDS = new Set(['__typename']);
const INTROSPECTION_FIELDS = new Set(['__typename', '__schema', '__type']);

/**
 * Whether every operation of the document is a query whose root selections (through fragments)
 * are only `__typename`, plus `__schema`/`__type` when introspection is allowed. Unparsable or
 * otherwise odd documents are not.
 */
export function selectsOnly(query: string, introspection: boolean): boolean {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS, noLocation: true });
  } catch {
    return false;
  }
  const allowed = introspection ? INTROSPECTION_FIELDS : META_FIELDS;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const seen = new Set<string>();
  const rootOnly = (set: SelectionSetNode): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) return allowed.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return rootOnly(s.selectionSet);
      const fragment = fragments.get(s.name.value);
      if (!fragment) return false;
      if (seen.has(fragment.name.value)) return true; // a cycle: refused by validation
      seen.add(fragment.name.value);
      return rootOnly(fragment.selectionSet);
    });
  let operations = 0;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) continue;
    if (def.kind !== Kind.OPERATION_DEFINITION || def.operation !== 'query') return false;
    if (!rootOnly(def.selectionSet)) return false;
    operations++;
  }
  return operations > 0;
}
