// Checks that a built page loads nothing from another origin: no CDN scripts, styles or fonts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * URL strings that bundled libraries carry but never load: XML namespaces, links in error
 * messages and docs, the GraphiQL logo's link, linkify's scheme prefix. Anything else fails
 * the build, so a dependency update that starts fetching from a CDN is caught.
 */
const INERT_URLS = [
  /^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink|XML\/1998\/namespace|1998\/Math\/MathML|1999\/xhtml)$/,
  /^https:\/\/react\.dev\/errors\/$/,
  /^https:\/\/yarnpkg\.com\/en\/docs\/selective-version-resolutions$/,
  /^https:\/\/github\.com\/graphql\/graphiql$/,
  /^https:\/\/en\.wikipedia\.org\/wiki\/IEEE_floating_point$/,
  /^https:\/\/commonmark\.org\/$/,
  /^https:\/\/codemirror\.net\/5\/doc\/manual\.html#keymaps$/,
  /^http:\/\/(\$\{[\w.]+\})?$/,
];

/** Returns one line per problem found in `dir` (empty when the build is self-contained). */
export function checkOffline(dir, base = '/playground/') {
  const problems = [];
  for (const file of walk(dir)) {
    const rel = path.relative(dir, file);
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.html')) {
      for (const [, attr, value] of text.matchAll(/\b(src|href)\s*=\s*["']([^"']*)["']/gi)) {
        if (!value.startsWith(base) && !value.startsWith('data:'))
          problems.push(`${rel}: ${attr}="${value}" does not point inside ${base}`);
      }
      if (/<style[\s>]|\sstyle\s*=|<script(?![^>]*\bsrc=)[^>]*>/i.test(text))
        problems.push(`${rel}: inline script or style (breaks the CSP)`);
    } else if (file.endsWith('.css')) {
      for (const [, value] of text.matchAll(/url\(\s*["']?([^"')]*)/gi)) {
        if (!value.startsWith('data:') && !value.startsWith(base) && !value.startsWith('#')) {
          problems.push(`${rel}: url(${value.slice(0, 80)})`);
        }
      }
      if (/@import/i.test(text)) problems.push(`${rel}: @import`);
    }
    if (file.endsWith('.js') || file.endsWith('.css') || file.endsWith('.html')) {
      for (const [url] of text.matchAll(/https?:\/\/[^\s"'`)<>\\]*/g)) {
        if (!INERT_URLS.some((re) => re.test(url))) problems.push(`${rel}: references ${url}`);
      }
      for (const [, url] of text.matchAll(/["'`(]\s*(\/\/[a-z0-9-]+\.[a-z0-9.-]+[^"'`)\s]*)/gi)) {
        problems.push(`${rel}: protocol-relative ${url}`);
      }
    }
  }
  return [...new Set(problems)];
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(
    process.argv[2] ??
      path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/playground'),
  );
  const problems = checkOffline(dir);
  if (problems.length > 0) {
    console.error(`playground is not self-contained (${dir}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`playground ok: ${dir} references no other origin`);
}
