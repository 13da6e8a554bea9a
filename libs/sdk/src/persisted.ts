import type { DocumentNode } from 'graphql';

/**
 * The hash GraphQL Code Generator gave a generated document (`__meta__.hash`): the sha256 of its
 * text in libs/client's persisted-documents manifest. A server running TRUSTED_DOCUMENTS runs
 * only operations named by such a hash; any server answers them from the same manifest.
 */
export function documentHash(document: DocumentNode): string | undefined {
  const meta = (document as { __meta__?: { hash?: unknown } }).__meta__;
  return typeof meta?.hash === 'string' ? meta.hash : undefined;
}

/** The `extensions` naming a generated document by its hash (Apollo's persisted-query form),
 *  sent with every operation over HTTP and over the socket; undefined for other documents. */
export function persistedQueryExtensions(
  document: DocumentNode,
): { persistedQuery: { version: 1; sha256Hash: string } } | undefined {
  const hash = documentHash(document);
  return hash ? { persistedQuery: { version: 1, sha256Hash: hash } } : undefined;
}
