#!/usr/bin/env node
// Breaks a V8 CPU profile of the API down by area (Express, Apollo, GraphQL execution, SQLite…):
// each sample goes to the innermost frame of its stack that belongs to a known area (Node's own
// modules and builtins count for the code that called them: a socket write under res.end counts
// for whoever ended the response), and by stage (a function anywhere on the stack). Only the samples inside
// DIR/window.json (written by http-send-cost.mjs --cpu-prof DIR) count when it exists.
//
//   node apps/bench/cpu-profile-breakdown.mjs DIR [--top 25]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: cpu-profile-breakdown.mjs DIR [--top N]');
  process.exit(2);
}
const topIndex = process.argv.indexOf('--top');
const TOP = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 25;
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no .cpuprofile in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const windowFile = join(dir, 'window.json');
const window = existsSync(windowFile)
  ? JSON.parse(readFileSync(windowFile, 'utf8'))
  : { start: -Infinity, end: Infinity };

/** Areas, checked on each frame from the innermost outwards; the first frame that matches wins. */
const AREAS = [
  ['garbage collection', (name) => name === '(garbage collector)'],
  ['idle', (name) => name === '(idle)'],
  ['program (V8/native, no JS frame)', (name) => name === '(program)'],
  [
    'SQLite (better-sqlite3 + store-sqlite)',
    (_n, url) => /better-sqlite3|\/store-sqlite\//.test(url),
  ],
  [
    'logging (pino)',
    (_n, url) =>
      /node_modules\/(pino|pino-http|nestjs-pino|pino-std-serializers|sonic-boom|fast-redact)\//.test(
        url,
      ) || /platform\/logging\//.test(url),
  ],
  [
    'metrics (prom-client, metrics plugin/middleware)',
    (_n, url) => /node_modules\/prom-client\//.test(url) || /platform\/metrics\//.test(url),
  ],
  ['security headers', (_n, url) => /platform\/security\/|node_modules\/helmet\//.test(url)],
  [
    'compression',
    (_n, url) =>
      /platform\/compression\/|node_modules\/(compression|on-headers|compressible)\//.test(url),
  ],
  ['JWT (jose)', (_n, url) => /node_modules\/jose\//.test(url)],
  [
    'GraphQL validation/parse (graphql-js)',
    (_n, url) => /node_modules\/graphql\/(validation|language|utilities)\//.test(url),
  ],
  ['GraphQL execution (graphql-js)', (_n, url) => /node_modules\/graphql\//.test(url)],
  [
    'Apollo Server pipeline',
    (_n, url) => /node_modules\/(@apollo|@as-integrations|whatwg-mimetype|lru-cache)\//.test(url),
  ],
  ['NestJS GraphQL/core', (_n, url) => /node_modules\/(@nestjs|reflect-metadata)\//.test(url)],
  [
    'Express + body-parser',
    (_n, url) =>
      /node_modules\/(express|body-parser|raw-body|router|path-to-regexp|debug|media-typer|destroy|etag|fresh|mime-types|mime-db|proxy-addr|forwarded|ipaddr\.js|finalhandler|send|on-finished|type-is|content-type|iconv-lite|qs|depd|http-errors|statuses|vary|accepts|negotiator|parseurl)\//.test(
        url,
      ),
  ],
  [
    'Chatter graphql layer (guards, resolvers, plugins)',
    (_n, url) => /\/libs\/graphql\//.test(url),
  ],
  ['Chatter core (use cases)', (_n, url) => /\/libs\/core\//.test(url)],
  ['Chatter api (wiring, platform)', (_n, url) => /\/apps\/api\//.test(url)],
  ['Chatter other libs', (_n, url) => /\/libs\//.test(url)],
  ['other node_modules', (_n, url) => /node_modules\//.test(url)],
  ['Node HTTP/net internals', (_n, url) => /^node:/.test(url)],
];

/**
 * Stages of an HTTP send, by function: a sample counts for a stage when the function is anywhere
 * on its stack. Code after an \`await\` resumes under the microtask queue, so a stage counts
 * its own resumptions but not the awaited work started elsewhere; stages may overlap. Express
 * middleware is left out here: each calls the next one, so its stack holds all that follows (see
 * the areas above for its own cost).
 */
const STAGES = [
  ['authentication (AuthGuard)', /^canActivate$/, /auth\.guard/],
  ['Apollo request pipeline (processGraphQLRequest)', /^processGraphQLRequest$/, /@apollo\/server/],
  ['Apollo HTTP layer (runHttpQuery, express5 integration)', /.*/, /runHttpQuery|@as-integrations/],
  ['query limits plugin (pricing per request)', /^requestLimitErrors$/, /query-limits/],
  ['sendMessage use case (send)', /^send$/, /messages\.use-cases/],
  ['  membership (ConversationAccess.member)', /^member$/, /conversation-access/],
  ['  append transaction (sqliteTransaction)', /^sqliteTransaction$/, /better-sqlite3/],
  ['  realtime publish (RealtimePublisher.logged)', /^logged$/, /realtime-publisher/],
  ['  notifications (messageAdded)', /^messageAdded$/, /notif/],
  ['  presence activity (active)', /^active$/, /presence\.service/],
  ['response JSON (JSON.stringify)', /^stringify$/, /^$/],
  [
    'socket writes (writev/writeBuffer/writeUtf8String)',
    /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeGeneric)$/,
    /^$/,
  ],
];
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const areaOf = new Map();
const BY_NAME = new Set(['garbage collection', 'idle', 'program (V8/native, no JS frame)']);
const NODE = 'Node HTTP/net internals';
/** The innermost frame of a known area; Node's own modules and builtins count for their caller. */
const classify = (id) => {
  if (areaOf.has(id)) return areaOf.get(id);
  const leaf = byId.get(id).callFrame;
  let area = AREAS.find(
    ([name, test]) => BY_NAME.has(name) && test(leaf.functionName, leaf.url),
  )?.[0];
  let sawNode = false;
  for (let cur = id; !area && cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur).callFrame;
    if (f.url === '' || f.url.startsWith('node:')) {
      sawNode ||= f.url.startsWith('node:');
      continue;
    }
    area = AREAS.find(([name, test]) => name !== NODE && test(f.functionName, f.url))?.[0];
  }
  area ??= sawNode ? `${NODE} (no caller of a known area)` : 'unattributed (builtins only)';
  areaOf.set(id, area);
  return area;
};
const leafName = (id) => {
  const f = byId.get(id).callFrame;
  const url = f.url
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(?=(apps|libs)\/[^/]+\/src\/)/, '');
  return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
};

const stagesOf = new Map();
const stageSet = (id) => {
  if (stagesOf.has(id)) return stagesOf.get(id);
  const found = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur).callFrame;
    for (const [name, fn, url] of STAGES)
      if (fn.test(f.functionName) && url.test(f.url)) found.add(name);
  }
  stagesOf.set(id, found);
  return found;
};
const stages = new Map();

const areas = new Map();
const leaves = new Map();
let t = profile.startTime;
let counted = 0;
let countedBusy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  if (t < window.start || t > window.end) continue;
  const id = profile.samples[i];
  const area = classify(id);
  counted++;
  if (area !== 'idle') countedBusy++;
  areas.set(area, (areas.get(area) ?? 0) + 1);
  if (area !== 'idle') for (const st of stageSet(id)) stages.set(st, (stages.get(st) ?? 0) + 1);
  if (area !== 'idle') leaves.set(leafName(id), (leaves.get(leafName(id)) ?? 0) + 1);
}
const pct = (n) => ((100 * n) / countedBusy).toFixed(1).padStart(5);
console.log(`${file}: ${counted} samples in the window, ${countedBusy} not idle`);
console.log('\n% of non-idle samples by area');
for (const [area, n] of [...areas].sort((a, b) => b[1] - a[1]))
  if (area !== 'idle') console.log(`${pct(n)}%  ${area}`);
console.log('\n% of non-idle samples by stage (function on the stack; stages overlap)');
for (const [name] of STAGES) console.log(`${pct(stages.get(name) ?? 0)}%  ${name}`);
console.log(`\ntop ${TOP} leaf functions (% of non-idle samples)`);
for (const [leaf, n] of [...leaves].sort((a, b) => b[1] - a[1]).slice(0, TOP))
  console.log(`${pct(n)}%  ${leaf}`);
