import { DocumentNode, parse } from 'graphql';
import { documentTooLarge, MAX_DOCUMENT_LENGTH, MAX_DOCUMENT_TOKENS } from './query-limits';
import { subscriptionRootDirectiveErrors } from './subscription-root-directives';

const MIGHT_SKIP_SUBSCRIPTION_ROOT = /subscription/;
const SKIP_OR_INCLUDE = /@\s*(?:skip|include)\b/;

/**
 * Express middleware for /graphql, answered before Apollo sees the request: the WebSocket
 * path's document size limit over HTTP too (400 BAD_USER_INPUT), and subscriptions whose root
 * `@skip`/`@include` would make graphql-js's validation throw (400 GRAPHQL_VALIDATION_FAILED
 * instead of Apollo's 500). Only documents that mention both are parsed here.
 */
export function documentGuard() {
  return (
    req: { method?: string; body?: { query?: unknown }; query?: { query?: unknown } },
    res: { status(code: number): { json(body: unknown): void } },
    next: () => void,
  ): void => {
    const query = req.method === 'GET' ? req.query?.query : req.body?.query;
    if (typeof query !== 'string') return next();
    if (query.length > MAX_DOCUMENT_LENGTH) {
      res.status(400).json({
        errors: [{ message: documentTooLarge().message, extensions: { code: 'BAD_USER_INPUT' } }],
      });
      return;
    }
    if (MIGHT_SKIP_SUBSCRIPTION_ROOT.test(query) && SKIP_OR_INCLUDE.test(query)) {
      let document: DocumentNode | null = null;
      try {
        document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
      } catch {
        document = null; // Apollo answers the syntax error itself
      }
      const hazard = document ? subscriptionRootDirectiveErrors(document)[0] : undefined;
      if (hazard) {
        res.status(400).json({
          errors: [
            {
              message: hazard.message,
              locations: hazard.locations,
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            },
          ],
        });
        return;
      }
    }
    next();
  };
}
