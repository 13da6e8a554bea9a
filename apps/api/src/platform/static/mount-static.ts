import { INestApplication, Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import expressStaticGzip from 'express-static-gzip';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { AppConfig } from '../config/app-config';
import { findRepoRoot } from '../config/repo-root';
import { METRICS_ROUTE_LOCAL, MetricsService } from '../metrics/metrics.service';
import { acceptsHtml } from './accepts-html';

/** Paths that belong to the API and are never answered with the web app. */
export const API_PATHS = [
  '/graphql',
  '/healthz',
  '/readyz',
  '/metrics',
  '/auth',
  '/email',
] as const;
/** URL prefix of the playground's bundled assets (the Vite `base`). */
export const PLAYGROUND_BASE = '/playground';
/** GraphQL-over-HTTP GET parameters: their presence marks an API request, never the playground. */
const GRAPHQL_GET_PARAMS = ['query', 'extensions', 'operationName', 'variables'];
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface MountStaticOptions {
  /** Built playground (index.html + assets/); defaults to `dist/playground` under the repo root. */
  readonly playgroundDir?: string;
  /** Further path prefixes the SPA fallback must leave to the API (e.g. `/auth`). */
  readonly apiPaths?: readonly string[];
}

export interface MountedStatic {
  /** The web build being served, if any. */
  readonly web: string | undefined;
  /** The playground build served on GET /graphql for browsers, if any. */
  readonly playground: string | undefined;
}

type Request = IncomingMessage & { originalUrl?: string };
type Response = ServerResponse & { locals?: Record<string, unknown> };
type Next = (error?: unknown) => void;

/**
 * Serves the built web app (assets, plus index.html for browser navigations to non-API paths)
 * and, when PLAYGROUND is on, the offline GraphiQL page for browser GETs of `/graphql`. API
 * requests — POST, or GET with `?query=`, or anything not asking for HTML — pass through to
 * Apollo untouched. Call it before `app.init()`/`app.listen()`: its middleware must run before
 * Nest's routes and 404 handler. Uses the Express platform.
 */
export function mountStatic(
  app: INestApplication,
  config: Pick<AppConfig, 'http' | 'graphql'>,
  options: MountStaticOptions = {},
): MountedStatic {
  const logger = new Logger('Static');
  const express = app as NestExpressApplication;
  const reserved = [...API_PATHS, PLAYGROUND_BASE, ...(options.apiPaths ?? [])];

  // These handlers run before Nest's middleware, so time them here (MetricsService de-duplicates).
  const metrics = tryGet(app, MetricsService);
  if (metrics) app.use(metrics.httpMiddleware());

  let playground: string | undefined;
  if (config.graphql.playground) {
    const dir = options.playgroundDir ?? path.join(findRepoRoot(), 'dist/playground');
    const index = path.join(dir, 'index.html');
    if (existsSync(index)) {
      playground = dir;
      express.useStaticAssets(path.join(dir, 'assets'), {
        prefix: `${PLAYGROUND_BASE}/assets`,
        index: false,
        redirect: false,
        fallthrough: false,
        setHeaders: (res: Response) => label(res, 'playground', IMMUTABLE),
      });
    } else {
      logger.warn(`PLAYGROUND is on but ${dir} is not built (node apps/api/playground/build.mjs)`);
    }
    app.use((req: Request, res: Response, next: Next) => {
      if (!isPlaygroundRequest(req)) return next();
      label(res, 'playground', 'no-store');
      if (!playground) return sendHtml(req, res, 404, NOT_BUILT_HTML, playgroundCsp(req));
      readFile(index, 'utf8').then(
        (html) => sendHtml(req, res, 200, html, playgroundCsp(req)),
        (error: unknown) => next(error),
      );
    });
  }

  let web: string | undefined;
  if (config.http.webDist) {
    web = config.http.webDist;
    const clash = readdirSync(web).filter((name) => reserved.some((p) => p === `/${name}`));
    if (clash.length > 0) {
      throw new Error(`WEB_DIST ${web} contains ${clash.join(', ')}, which would shadow API paths`);
    }
    // The build writes file.br and file.gz beside each text asset: they are sent as they are
    // to clients that accept them (brotli first), with Vary: Accept-Encoding.
    const assets = path.join(web, 'assets') + path.sep;
    app.use(
      expressStaticGzip(web, {
        enableBrotli: true,
        orderPreference: ['br', 'gzip'],
        index: false,
        serveStatic: {
          index: false,
          redirect: false,
          dotfiles: 'ignore',
          fallthrough: true,
          // Vite fingerprints everything under assets/; the rest may change between builds.
          setHeaders: (res: Response, file: string) =>
            label(res, 'static', file.startsWith(assets) ? IMMUTABLE : 'no-cache'),
        },
      }),
    );
    const index = path.join(web, 'index.html');
    app.use((req: Request, res: Response, next: Next) => {
      if (!isSpaNavigation(req, reserved)) return next();
      label(res, 'static', 'no-cache');
      readFile(index, 'utf8').then(
        (html) => sendHtml(req, res, 200, html),
        (error: unknown) => next(error),
      );
    });
  }
  return { web, playground };
}

function isPlaygroundRequest(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/graphql' && url.pathname !== '/graphql/') return false;
  if (GRAPHQL_GET_PARAMS.some((p) => url.searchParams.has(p))) return false;
  return acceptsHtml(req.headers);
}

/**
 * A GET or HEAD of `/` from anyone (browsers, curl, uptime monitors, load-balancer checks), or a
 * browser navigation (wants HTML) to a client-side route: not an API path, not a file.
 */
function isSpaNavigation(req: Request, reserved: readonly string[]): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const pathname = (req.originalUrl ?? req.url ?? '/').split('?')[0]!;
  if (pathname === '/') return true;
  if (reserved.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  if (last.includes('.')) return false; // a missing asset should 404, not become index.html
  return acceptsHtml(req.headers);
}

/**
 * The playground loads only its own bundle and talks only to this origin (HTTP and graphql-ws).
 * Fonts and icons are inlined as data: URLs; GraphiQL sets inline styles.
 */
function playgroundCsp(req: Request): string {
  const host = req.headers.host;
  const ws = host && /^[a-z0-9.:[\]-]+$/i.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sendHtml(req: Request, res: Response, status: number, html: string, csp?: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(html));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Vary', 'Accept');
  if (csp) res.setHeader('Content-Security-Policy', csp);
  res.end(req.method === 'HEAD' ? undefined : html);
}

function label(res: Response, route: string, cacheControl: string): void {
  if (res.locals) res.locals[METRICS_ROUTE_LOCAL] = route;
  res.setHeader('Cache-Control', cacheControl);
}

function tryGet<T>(app: INestApplication, token: new (...args: never[]) => T): T | undefined {
  try {
    return app.get(token, { strict: false });
  } catch {
    return undefined;
  }
}

const NOT_BUILT_HTML =
  '<!doctype html><meta charset="utf-8"><title>Playground not built</title>' +
  '<p>The GraphiQL playground has not been built. Run <code>node apps/api/playground/build.mjs</code> (or <code>npm run build</code>).</p>';
