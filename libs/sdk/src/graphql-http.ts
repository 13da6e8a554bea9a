import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ChatterError, NetworkError } from './errors';
import { persistedQueryExtensions } from './persisted';
import type { TokenSource } from './token-source';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; json(): Promise<unknown> }>;

interface GraphqlResponse {
  data?: unknown;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

const printed = new WeakMap<DocumentNode, string>();
export function documentText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/** Queries and mutations over HTTP, authenticated by the token source (renewed once on refusal). */
export class GraphqlHttp {
  constructor(
    private readonly url: string,
    private readonly tokens: TokenSource,
    // Called unbound: browsers refuse window.fetch called with another `this`.
    private readonly fetchImpl: FetchLike = (url, init) => globalThis.fetch(url, init),
    private readonly timeoutMs = 15_000,
  ) {}

  async request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    options: { anonymous?: boolean } = {},
  ): Promise<TData> {
    for (let attempt = 0; ; attempt++) {
      const token = options.anonymous ? undefined : await this.tokens.get();
      const result = await this.post(document, variables, token);
      const code = result.errors?.[0]?.extensions?.code;
      if (code === 'UNAUTHENTICATED' && token !== undefined && attempt === 0) {
        this.tokens.invalidate(token);
        continue;
      }
      if (result.errors?.length || result.data == null) {
        const first = result.errors?.[0];
        throw new ChatterError(
          code ?? 'UNKNOWN',
          first?.message ?? 'The server returned no data.',
          result.errors ?? [],
        );
      }
      return result.data as TData;
    }
  }

  private async post(
    document: DocumentNode,
    variables: unknown,
    token: string | undefined,
  ): Promise<GraphqlResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response: { status: number; json(): Promise<unknown> };
    try {
      response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        // The text, and the hash a TRUSTED_DOCUMENTS server requires (it runs its manifest's text).
        body: JSON.stringify({
          query: documentText(document),
          variables,
          extensions: persistedQueryExtensions(document),
        }),
        signal: controller.signal,
      });
    } catch (error) {
      throw new NetworkError(error instanceof Error ? error.message : 'The request failed.');
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500 || response.status === 429)
      throw new NetworkError(`The server answered ${response.status}.`, response.status);
    try {
      return (await response.json()) as GraphqlResponse;
    } catch {
      throw new NetworkError(
        `The server answered ${response.status} without JSON.`,
        response.status,
      );
    }
  }
}
