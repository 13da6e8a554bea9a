import {
  admitOperation,
  persistedQueryHash,
  sha256Hex,
  TrustedDocuments,
} from './trusted-documents';

interface GuardRequest {
  method?: string;
  body?: unknown;
  query?: Record<string, unknown>;
}

/** GET's `extensions` parameter is JSON text; anything unparsable carries no hash. */
function parseExtensions(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Express middleware for /graphql, after the body is parsed and before Apollo: the trusted
 * documents policy over HTTP (see admitOperation). A refusal answers 400
 * PERSISTED_QUERY_NOT_IN_LIST before any parsing or validation. A POST naming a manifest hash
 * runs the manifest's text whatever text came with it (Apollo then finds text and hash agree).
 * Without enforcement, a POST whose text and hash disagree and whose hash is unknown (a client
 * built from other documents) runs its text as an ordinary query.
 */
export function trustedDocumentsGuard(trusted: TrustedDocuments, introspection: boolean) {
  return (
    req: GuardRequest,
    res: { status(code: number): { json(body: unknown): void } },
    next: () => void,
  ): void => {
    const isGet = req.method === 'GET';
    if (!isGet && req.method !== 'POST') return next();
    const source = isGet ? req.query : req.body;
    if (typeof source !== 'object' || source === null || Array.isArray(source)) return next();
    const fields = source as { query?: unknown; extensions?: unknown };
    // A browser opening the playground sends neither: nothing to decide here.
    if (isGet && fields.query === undefined && fields.extensions === undefined) return next();
    const extensions = isGet ? parseExtensions(fields.extensions) : fields.extensions;
    const admission = admitOperation(trusted, { query: fields.query, extensions }, introspection);
    if (!admission.admitted) {
      res.status(400).json({
        errors: [
          {
            message: admission.error.message,
            extensions: { code: admission.error.extensions['code'] },
          },
        ],
      });
      return;
    }
    if (!isGet) {
      const body = fields as { query?: unknown; extensions?: Record<string, unknown> };
      if (admission.hash !== undefined && typeof body.query === 'string')
        body.query = admission.query;
      const hash = persistedQueryHash(body.extensions);
      if (
        !trusted.enforced &&
        hash !== undefined &&
        !trusted.has(hash) &&
        typeof body.query === 'string' &&
        sha256Hex(body.query) !== hash
      ) {
        const { persistedQuery: _ignored, ...rest } = body.extensions!;
        body.extensions = rest;
      }
    }
    next();
  };
}
