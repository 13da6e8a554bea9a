import type { IncomingHttpHeaders } from 'node:http';

const API_TYPES = new Set(['application/json', 'application/graphql-response+json']);

/**
 * True when the client explicitly asks for HTML at least as much as for a GraphQL/JSON answer:
 * browsers navigating (`text/html,…,*\/*;q=0.8`) do, API clients (`application/json`, `*\/*`,
 * no Accept header) do not.
 */
export function acceptsHtml(headers: IncomingHttpHeaders): boolean {
  const accept = headers.accept;
  if (!accept) return false;
  let html = 0;
  let api = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'text/html') html = Math.max(html, q);
    else if (API_TYPES.has(type)) api = Math.max(api, q);
  }
  return html > 0 && html >= api;
}
