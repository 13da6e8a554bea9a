import compression from 'compression';
import type { RequestHandler } from 'express';
import { constants } from 'node:zlib';

/** Below this size a response goes out as it is: the encoding overhead would outweigh the gain. */
const THRESHOLD_BYTES = 1024;

/**
 * Compresses dynamic responses (GraphQL answers, the app's index.html, metrics) with brotli or
 * gzip as the client accepts, preferring brotli. Quality 4 / level 6: fast enough to do per
 * response. Responses that already carry a Content-Encoding (the web app's precompressed
 * assets) pass through untouched.
 */
export function responseCompression(): RequestHandler {
  return compression({
    threshold: THRESHOLD_BYTES,
    level: 6,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  }) as RequestHandler;
}
