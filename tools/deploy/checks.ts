// Checks of the deployment files (Dockerfile, docker-compose.yml, deploy/nginx, k8s/). Each
// function returns a list of problems (empty = fine), so the spec can run every check against
// the real files and against deliberately broken copies.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONFIG_REFERENCE } from '../../apps/api/src/platform/config/config-reference';
import { loadConfig } from '../../apps/api/src/platform/config/load-config';
import { recommendedNodeMajor } from '../node-versions';
import type { AppConfig } from '../../apps/api/src/platform/config/app-config';
import {
  composeSeconds,
  dependsOn,
  healthcheckTest,
  publishedPorts,
  serviceEnvironment,
} from './compose';
import {
  commandWords,
  dockerignoreMatcher,
  healthcheckCommand,
  parseDockerfile,
} from './dockerfile';
import { K8sObject, podContainers, splitImage } from './kustomize';
import { directives, findAll, NginxDirective, nginxSeconds, parseNginxConf } from './nginx-conf';
import { isMap, listAt, mapAt, textAt, YamlMap } from './yaml-docs';

export const KNOWN_VARIABLES: ReadonlySet<string> = new Set(CONFIG_REFERENCE.map((v) => v.name));
/** The API's container port (PORT default) and its default SHUTDOWN_GRACE_MS. */
export const API_PORT = 3000;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** nginx read timeout below which idle graphql-ws sockets would be cut. */
const MIN_WS_TIMEOUT_SECONDS = 300;

// ---------------------------------------------------------------- configuration (loadConfig)

export interface ConfigOutcome {
  readonly config?: AppConfig;
  readonly error?: string;
}

/** Runs the API's own validation on an environment, with no side effects on the repository. */
export function validateEnvironment(env: Record<string, string>, repoRoot: string): ConfigOutcome {
  try {
    const cwd = mkdtempSync(path.join(tmpdir(), 'chatter-deploy-check-'));
    return { config: loadConfig({ ...env }, { cwd, repoRoot }) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Unknown variable names and the rules a replica in cluster mode must satisfy. */
export function checkClusterEnvironment(
  label: string,
  env: Record<string, string>,
  repoRoot: string,
): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!KNOWN_VARIABLES.has(name))
      problems.push(`${label}: ${name} is not a Chatter configuration variable (CONFIG_REFERENCE)`);
  }
  for (const required of ['MONGODB_URI', 'REDIS_URL', 'JWT_SECRET', 'NODE_ENV']) {
    if (!env[required]) problems.push(`${label}: ${required} must be set for cluster mode`);
  }
  if (!env['NATS_URL'] && env['BUS'] !== 'redis')
    problems.push(`${label}: a shared bus is needed: NATS_URL (BUS=nats) or BUS=redis`);
  if (env['NODE_ENV'] !== 'production')
    problems.push(`${label}: NODE_ENV must be production (got ${env['NODE_ENV'] ?? 'unset'})`);
  const outcome = validateEnvironment(env, repoRoot);
  if (outcome.error) {
    problems.push(`${label}: the API refuses this configuration: ${outcome.error}`);
    return problems;
  }
  const config = outcome.config!;
  if (config.mode !== 'cluster')
    problems.push(`${label}: expected cluster mode, got ${config.mode}`);
  if (config.bus === 'memory')
    problems.push(`${label}: the bus must be shared (nats or redis), got memory`);
  if (config.http.port !== API_PORT)
    problems.push(`${label}: PORT must be ${API_PORT} (got ${config.http.port})`);
  if (config.http.trustProxy === false)
    problems.push(`${label}: TRUST_PROXY must be set behind the load balancer`);
  return problems;
}

// ---------------------------------------------------------------- Dockerfile and .dockerignore

/** Files the image build needs from the context (must not be excluded by .dockerignore). */
export const BUILD_INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'scripts/build.mjs',
  'apps/api/src/main.ts',
  'apps/api/playground/index.html',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'libs/core/src/index.ts',
  'libs/client/src/index.ts',
];
/** Paths that must stay out of the build context. */
export const CONTEXT_EXCLUDED = [
  'node_modules/react/package.json',
  'apps/web/node_modules/x',
  '.git/HEAD',
  'dist/api/main.js',
  'apps/web/dist/index.html',
  '.env',
  'data/chatter.sqlite',
];

export function checkDockerfile(text: string, dockerignore: string, repoRoot: string): string[] {
  const problems: string[] = [];
  const parsed = parseDockerfile(text);
  const stages = parsed.stages;
  if (stages.length < 3)
    problems.push(
      `Dockerfile: multi-stage build expected (deps → build → runtime), found ${stages.length} stage(s)`,
    );
  const names = new Set(stages.map((s) => s.name).filter((n): n is string => !!n));
  const nodeMajor = recommendedNodeMajor(repoRoot);
  for (const stage of stages) {
    if (names.has(stage.from)) continue;
    const base = new RegExp(
      `^node:${nodeMajor}(\\.\\d+){0,2}-bookworm(-slim)?(@sha256:[0-9a-f]+)?$`,
    );
    if (!base.test(stage.from)) {
      problems.push(
        `Dockerfile: stage ${stage.name ?? '?'} is based on "${stage.from}"; every stage must use the Debian node:${nodeMajor} bookworm family (the newest Node.js in package.json engines; better-sqlite3 is native: build and runtime libc must match)`,
      );
    } else if (!/^node:\d+\.\d+\.\d+-|@sha256:/.test(stage.from)) {
      problems.push(
        `Dockerfile: stage ${stage.name ?? '?'} is based on "${stage.from}": pin an exact Node.js release (node:${nodeMajor}.x.y-…) or a digest`,
      );
    }
  }
  // A locked install: exactly the lockfile, or the build fails.
  if (/\bnpm (install|i)\b(?![-\w])/.test(text.replace(/^#.*$/gm, '')))
    problems.push('Dockerfile: install dependencies with `npm ci` (locked), not `npm install`');
  const runtime = stages[stages.length - 1];
  if (!runtime) return problems;
  const of = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword);

  const users = of('USER');
  const user = users[users.length - 1]?.args.split(':')[0];
  if (!user) problems.push('Dockerfile: the runtime stage has no USER (runs as root)');
  else if (user === 'root' || user === '0')
    problems.push(`Dockerfile: the runtime USER is root (${users[users.length - 1]!.args})`);

  const env = new Map<string, string>();
  for (const i of of('ENV'))
    for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
      env.set(m[1]!, m[2]!.replace(/^"|"$/g, ''));
  if (env.get('NODE_ENV') !== 'production')
    problems.push('Dockerfile: the runtime stage must set ENV NODE_ENV=production');
  for (const name of env.keys()) {
    if (!KNOWN_VARIABLES.has(name))
      problems.push(`Dockerfile: ENV ${name} is not a Chatter configuration variable`);
  }

  if (
    !of('EXPOSE').some((i) =>
      i.args.split(/\s+/).some((p) => p.replace(/\/tcp$/, '') === String(API_PORT)),
    )
  ) {
    problems.push(`Dockerfile: the runtime stage must EXPOSE ${API_PORT}`);
  }

  const health = of('HEALTHCHECK');
  const healthCmd =
    health.length > 0 ? healthcheckCommand(health[health.length - 1]!.args) : undefined;
  if (!healthCmd) problems.push('Dockerfile: the runtime stage needs a HEALTHCHECK');
  else {
    if (!healthCmd.join(' ').includes('/healthz'))
      problems.push('Dockerfile: HEALTHCHECK must probe /healthz');
    if (healthCmd[0] !== 'node')
      problems.push(
        `Dockerfile: HEALTHCHECK should be a node one-liner (the slim image has no curl), got ${healthCmd[0]}`,
      );
  }

  const cmds = of('CMD');
  const cmd = cmds.length > 0 ? commandWords(cmds[cmds.length - 1]!.args) : [];
  if (JSON.stringify(cmd) !== JSON.stringify(['node', 'dist/api/main.js'])) {
    problems.push(
      `Dockerfile: CMD must be ["node","dist/api/main.js"] in exec form (signals reach node), got ${JSON.stringify(cmd)}`,
    );
  }
  const entrypoints = of('ENTRYPOINT');
  if (entrypoints.length > 0) {
    const entry = commandWords(entrypoints[entrypoints.length - 1]!.args);
    if (entry[0] === '/bin/sh' || !/(^|\/)(tini|dumb-init)$/.test(entry[0] ?? '')) {
      problems.push(
        `Dockerfile: ENTRYPOINT must be an init (tini, dumb-init) in exec form, or absent, got ${JSON.stringify(entry)}`,
      );
    }
  }

  // Production dependencies: node_modules comes from a stage that omitted dev dependencies.
  const copies = of('COPY').map((i) => ({ args: i.args, from: /--from=(\S+)/.exec(i.args)?.[1] }));
  const modules = copies.find((c) => /\bnode_modules\b/.test(c.args));
  if (!modules?.from)
    problems.push(
      'Dockerfile: the runtime stage must COPY node_modules from a production-dependencies stage',
    );
  else {
    const source = stages.find((s) => s.name === modules.from);
    const omitsDev = source?.instructions.some(
      (i) =>
        i.keyword === 'RUN' &&
        /\bnpm\s+(ci|prune|install)\b[^&;|]*(--omit[= ]dev|--production)/.test(i.args),
    );
    if (!omitsDev)
      problems.push(
        `Dockerfile: node_modules is copied from stage "${modules.from}", which does not run npm ci/prune --omit=dev`,
      );
  }
  for (const needed of ['dist', 'apps/web/dist', 'package.json']) {
    const re = new RegExp(`(^|\\s)(/app/)?${needed.replace(/\//g, '\\/')}/?(\\s|$)`);
    if (!copies.some((c) => re.test(c.args.replace(/--\S+/g, ''))))
      problems.push(`Dockerfile: the runtime stage must COPY ${needed}`);
  }
  if (
    !stages.some((s) =>
      s.instructions.some(
        (i) => i.keyword === 'RUN' && /scripts\/build\.mjs|npm run build/.test(i.args),
      ),
    )
  ) {
    problems.push('Dockerfile: no stage builds the app (node scripts/build.mjs)');
  }

  // The build context: what the build needs is in it, what must not leak is not.
  const ignored = dockerignoreMatcher(dockerignore);
  for (const file of BUILD_INPUTS) {
    if (ignored(file))
      problems.push(`.dockerignore: excludes ${file}, which the image build needs`);
  }
  for (const file of CONTEXT_EXCLUDED) {
    if (!ignored(file)) problems.push(`.dockerignore: must exclude ${file}`);
  }
  for (const stage of stages) {
    for (const i of stage.instructions.filter(
      (x) => x.keyword === 'COPY' && !x.args.includes('--from='),
    )) {
      const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      for (const source of words.slice(0, -1)) {
        if (source === '.') continue;
        if (!existsSync(path.join(repoRoot, source)))
          problems.push(`Dockerfile: COPY ${source} does not exist in the build context`);
        else if (ignored(source))
          problems.push(`Dockerfile: COPY ${source} is excluded by .dockerignore`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- nginx

export interface NginxFacts {
  readonly listenPorts: number[];
  readonly upstreamServers: string[];
}

/** Reads the facts the compose check cross-references; throws when the file does not parse. */
export function nginxFacts(text: string): NginxFacts {
  const tree = parseNginxConf(text);
  const http = directives(tree, 'http')[0]?.children ?? [];
  const listenPorts = findAll(http, 'listen').map((d) =>
    Number(/(\d+)$/.exec(d.args[0] ?? '')?.[1]),
  );
  const upstreamServers = directives(http, 'upstream').flatMap((u) =>
    directives(u.children, 'server').map((s) => s.args[0] ?? ''),
  );
  return { listenPorts, upstreamServers };
}

export function checkNginx(text: string, apiUpstreams: string[]): string[] {
  const problems: string[] = [];
  let tree: NginxDirective[];
  try {
    tree = parseNginxConf(text);
  } catch (error) {
    return [`nginx.conf: ${(error as Error).message}`];
  }
  const http = directives(tree, 'http')[0]?.children;
  if (!http) return ['nginx.conf: no http block'];

  const upgradeMap = directives(http, 'map').find(
    (m) => m.args[0] === '$http_upgrade' && m.args[1] === '$connection_upgrade',
  );
  if (!upgradeMap)
    problems.push(
      'nginx.conf: needs "map $http_upgrade $connection_upgrade" for the WebSocket Connection header',
    );
  else if (directives(upgradeMap.children, 'default')[0]?.args[0] !== 'upgrade') {
    problems.push('nginx.conf: map $http_upgrade $connection_upgrade must default to "upgrade"');
  }

  const upstreams = directives(http, 'upstream');
  const servers = upstreams.flatMap((u) =>
    directives(u.children, 'server').map((s) => s.args[0] ?? ''),
  );
  const missing = apiUpstreams.filter((s) => !servers.includes(s));
  const extra = servers.filter((s) => !apiUpstreams.includes(s));
  if (missing.length > 0)
    problems.push(`nginx.conf: the upstream lacks API replicas ${missing.join(', ')}`);
  if (extra.length > 0)
    problems.push(
      `nginx.conf: the upstream lists ${extra.join(', ')}, which is not an API replica at :${API_PORT}`,
    );

  // /metrics in any spelling (/METRICS, /metrics/): a case-insensitive regex location.
  const metricsGuard = directives(http, 'server')
    .flatMap((srv) => directives(srv.children, 'location'))
    .some(
      (l) =>
        l.args[0] === '~*' &&
        /metrics/.test(l.args[1] ?? '') &&
        directives(l.children, 'proxy_pass').length === 0,
    );
  if (!metricsGuard)
    problems.push(
      'nginx.conf: refuse /metrics in every spelling with a case-insensitive location (location ~* ^/+metrics(/|$))',
    );
  // The upstream keep-alive must end before the API's (HTTP_KEEP_ALIVE_TIMEOUT_MS, 65 s).
  for (const upstream of upstreams) {
    const timeout = directives(upstream.children, 'keepalive_timeout')[0]?.args[0] ?? '60s';
    const secondsValue = Number(/^(\d+)s?$/.exec(timeout)?.[1] ?? NaN);
    if (!(secondsValue < 65))
      problems.push(
        `nginx.conf: upstream keepalive_timeout ${timeout} must stay below the API's keep-alive (65 s)`,
      );
  }
  const servers_ = directives(http, 'server');
  if (servers_.length === 0) problems.push('nginx.conf: no server block');
  const upstreamNames = new Set(upstreams.map((u) => u.args[0]));
  let graphql = false;
  for (const server of servers_) {
    for (const location of directives(server.children, 'location')) {
      const path_ = location.args[location.args.length - 1] ?? '';
      const proxy = directives(location.children, 'proxy_pass')[0];
      if (/metrics/i.test(path_)) {
        if (proxy)
          problems.push(
            'nginx.conf: /metrics must not be proxied to the API from the public entry point',
          );
        continue;
      }
      if (!proxy) continue;
      const target = /^https?:\/\/([^/:]+)/.exec(proxy.args[0] ?? '')?.[1];
      if (!target || !upstreamNames.has(target))
        problems.push(
          `nginx.conf: location ${path_} proxies to ${proxy.args[0]}, not to the API upstream`,
        );
      // proxy_set_header is inherited only when a level defines none of its own.
      const levels = [location.children, server.children, http];
      const headerLevel = levels.find((l) => directives(l, 'proxy_set_header').length > 0);
      const headers = new Map(
        directives(headerLevel, 'proxy_set_header').map((d) => [
          d.args[0]?.toLowerCase(),
          d.args.slice(1).join(' '),
        ]),
      );
      const version = levels.map((l) => directives(l, 'proxy_http_version')[0]).find((d) => d)
        ?.args[0];
      if (version !== '1.1')
        problems.push(
          `nginx.conf: location ${path_} needs proxy_http_version 1.1 (WebSocket upgrade, keep-alive)`,
        );
      if (headers.get('upgrade') !== '$http_upgrade')
        problems.push(
          `nginx.conf: location ${path_} must send "proxy_set_header Upgrade $http_upgrade"`,
        );
      if (headers.get('connection') !== '$connection_upgrade')
        problems.push(
          `nginx.conf: location ${path_} must send "proxy_set_header Connection $connection_upgrade"`,
        );
      if (headers.get('host') !== '$http_host')
        problems.push(
          `nginx.conf: location ${path_} must send "proxy_set_header Host $http_host" (the API compares a WebSocket's Origin with Host, port included)`,
        );
      if (!headers.has('x-forwarded-for'))
        problems.push(
          `nginx.conf: location ${path_} must set X-Forwarded-For (TRUST_PROXY, rate limits)`,
        );
      if (path_ === '/graphql') {
        graphql = true;
        const read = levels.map((l) => directives(l, 'proxy_read_timeout')[0]).find((d) => d)
          ?.args[0];
        const send = levels.map((l) => directives(l, 'proxy_send_timeout')[0]).find((d) => d)
          ?.args[0];
        if (!(nginxSeconds(read) >= MIN_WS_TIMEOUT_SECONDS))
          problems.push(
            `nginx.conf: /graphql needs proxy_read_timeout >= ${MIN_WS_TIMEOUT_SECONDS}s for idle subscriptions (got ${read ?? 'default 60s'})`,
          );
        if (!(nginxSeconds(send) >= MIN_WS_TIMEOUT_SECONDS))
          problems.push(
            `nginx.conf: /graphql needs proxy_send_timeout >= ${MIN_WS_TIMEOUT_SECONDS}s (got ${send ?? 'default 60s'})`,
          );
      }
    }
  }
  if (!graphql) problems.push('nginx.conf: no location /graphql proxying to the API');
  return problems;
}

// ---------------------------------------------------------------- docker compose

export interface ComposeContext {
  readonly repoRoot: string;
  /** Directory of the compose file (relative paths resolve from it). */
  readonly composeDir: string;
  /** Reads a file the compose file mounts (the nginx config). */
  readonly readFile: (file: string) => string;
}

const byImage = (services: YamlMap, prefix: RegExp) =>
  Object.keys(services).filter((name) => prefix.test(textAt(services[name], 'image') ?? ''));

/** Services built from this repository's Dockerfile: the API replicas. */
export function apiServices(compose: unknown, ctx: ComposeContext): string[] {
  const services = mapAt(compose, 'services');
  return Object.keys(services).filter((name) => {
    const build =
      services[name] && isMap(services[name]) ? (services[name] as YamlMap)['build'] : undefined;
    const context = typeof build === 'string' ? build : textAt(build, 'context');
    if (context === undefined) return false;
    const dockerfile = textAt(build, 'dockerfile') ?? 'Dockerfile';
    return (
      path.resolve(ctx.composeDir, context) === ctx.repoRoot &&
      path.resolve(ctx.repoRoot, dockerfile) === path.join(ctx.repoRoot, 'Dockerfile')
    );
  });
}

/** `compose` must already be interpolated (see interpolateCompose). */
export function checkCompose(compose: unknown, ctx: ComposeContext): string[] {
  const problems: string[] = [];
  const services = mapAt(compose, 'services');
  const declaredVolumes = new Set(Object.keys(mapAt(compose, 'volumes')));
  const apis = apiServices(compose, ctx);
  if (apis.length < 2)
    problems.push(
      `compose: at least two API replicas built from ./Dockerfile expected, found ${apis.length}`,
    );
  const dockerfileBuilds = Object.keys(services).filter(
    (n) =>
      mapAt(services[n], 'build') &&
      textAt(services[n], 'build', 'context') !== undefined &&
      !apis.includes(n),
  );
  for (const n of dockerfileBuilds)
    problems.push(
      `compose: service ${n} builds from ${textAt(services[n], 'build', 'context')}, not the repository's Dockerfile`,
    );

  const mongo = byImage(services, /^mongo:/);
  const redis = byImage(services, /^redis:/);
  const nats = byImage(services, /^nats:/);
  const lbs = byImage(services, /^(nginx|haproxy)[:/]/);
  for (const [what, list] of [
    ['MongoDB (image mongo:*)', mongo],
    ['Redis (image redis:*)', redis],
    ['NATS (image nats:*)', nats],
    ['a load balancer (nginx/haproxy)', lbs],
  ] as const) {
    if (list.length !== 1)
      problems.push(`compose: expected one ${what} service, found ${list.length}`);
  }

  // Health checks and start order.
  for (const [name, service] of Object.entries(services)) {
    if (!healthcheckTest(service)) problems.push(`compose: service ${name} has no healthcheck`);
    for (const [dep, condition] of Object.entries(dependsOn(service))) {
      if (!services[dep]) problems.push(`compose: ${name} depends on unknown service ${dep}`);
      else if (condition !== 'service_healthy')
        problems.push(
          `compose: ${name} depends on ${dep} with condition ${condition}; use service_healthy`,
        );
    }
    for (const volume of listAt(service, 'volumes')) {
      const source =
        typeof volume === 'string' ? volume.split(':')[0]! : (textAt(volume, 'source') ?? '');
      if (source.startsWith('.') || source.startsWith('/')) {
        if (!existsSync(path.resolve(ctx.composeDir, source)))
          problems.push(`compose: ${name} mounts ${source}, which does not exist`);
      } else if (!declaredVolumes.has(source))
        problems.push(
          `compose: ${name} uses volume ${source}, not declared under top-level volumes`,
        );
    }
  }
  const mountTargets = (name: string | undefined) =>
    listAt(services[name ?? ''], 'volumes').map((v) =>
      typeof v === 'string'
        ? { source: v.split(':')[0]!, target: v.split(':')[1] ?? '' }
        : { source: textAt(v, 'source') ?? '', target: textAt(v, 'target') ?? '' },
    );
  const namedVolumeAt = (name: string | undefined, target: string) =>
    mountTargets(name).some((m) => m.target === target && declaredVolumes.has(m.source));
  for (const api of apis) {
    const deps = dependsOn(services[api]);
    for (const dep of [...mongo, ...redis, ...nats]) {
      if (!deps[dep])
        problems.push(
          `compose: ${api} must wait for ${dep} (depends_on … condition: service_healthy)`,
        );
    }
  }
  for (const lb of lbs) {
    const deps = dependsOn(services[lb]);
    for (const api of apis)
      if (!deps[api])
        problems.push(
          `compose: ${lb} must wait for ${api} (depends_on … condition: service_healthy)`,
        );
  }

  // MongoDB: a single-node replica set, initiated idempotently by its healthcheck.
  const mongoName = mongo[0];
  const mongoCommand = listAt(services[mongoName ?? ''], 'command').map(String);
  const replSet = mongoCommand[mongoCommand.indexOf('--replSet') + 1];
  if (mongoName) {
    if (!mongoCommand.includes('--replSet') || !replSet)
      problems.push('compose: mongo must run as a replica set (command: mongod --replSet <name>)');
    const test = healthcheckTest(services[mongoName]) ?? '';
    if (!/rs\.initiate\(/.test(test))
      problems.push('compose: the mongo healthcheck must initiate the replica set (rs.initiate)');
    if (!/rs\.status\(|NotYetInitialized/.test(test))
      problems.push(
        'compose: the mongo healthcheck must initiate only when not yet initiated (rs.status / NotYetInitialized)',
      );
    if (!/isWritablePrimary|PRIMARY/.test(test))
      problems.push(
        'compose: the mongo healthcheck must report healthy only on a writable primary',
      );
    if (!namedVolumeAt(mongoName, '/data/db'))
      problems.push('compose: mongo needs a named volume on /data/db');
  }
  const redisName = redis[0];
  if (redisName) {
    const command = listAt(services[redisName], 'command').map(String).join(' ');
    if (!/--appendonly yes/.test(command))
      problems.push(
        'compose: redis should persist with --appendonly yes (attempt counters and login codes survive a restart)',
      );
    if (!namedVolumeAt(redisName, '/data'))
      problems.push('compose: redis needs a named volume on /data');
    problems.push(...checkRedisMemory('compose: redis', command));
  }
  const natsName = nats[0];
  if (natsName) {
    const command = listAt(services[natsName], 'command').map(String);
    const flag = (...names: string[]) => {
      const i = command.findIndex((a) => names.includes(a));
      return i >= 0 ? command[i + 1] : undefined;
    };
    // The bus carries whole messages: no anonymous clients.
    const natsUser = flag('--user');
    const natsPass = flag('--pass');
    if (!natsUser || !natsPass)
      problems.push('compose: nats must require a user and password (--user, --pass)');
    // JetStream is optional (nothing in Chatter needs it); when on, its store needs a volume.
    if (command.includes('--jetstream') || command.includes('-js')) {
      const storeDir = flag('--store_dir', '-sd');
      if (!storeDir || !namedVolumeAt(natsName, storeDir))
        problems.push(
          'compose: with JetStream on, nats needs its store directory on a named volume',
        );
    }
    for (const api of apis) {
      const env = serviceEnvironment(services[api]);
      if (natsUser && (env['NATS_USER'] !== natsUser || env['NATS_PASSWORD'] !== natsPass))
        problems.push(`compose ${api}: NATS_USER / NATS_PASSWORD must match the nats user`);
    }
  }

  // The API replicas: one cluster configuration, valid for the API itself.
  const envs = apis.map((api) => ({ api, env: serviceEnvironment(services[api]) }));
  for (const { api, env } of envs) {
    problems.push(...checkClusterEnvironment(`compose ${api}`, env, ctx.repoRoot));
    const hostOf = (url: string | undefined) => {
      try {
        return url ? new URL(url.split(',')[0]!).hostname : undefined;
      } catch {
        return undefined;
      }
    };
    const mongoHost = /^mongodb:\/\/(?:[^@/]*@)?([^/:,?]+)/.exec(env['MONGODB_URI'] ?? '')?.[1];
    if (mongoName && mongoHost !== mongoName)
      problems.push(
        `compose ${api}: MONGODB_URI host ${mongoHost} is not the mongo service (${mongoName})`,
      );
    const uriReplSet = /[?&]replicaSet=([^&]+)/.exec(env['MONGODB_URI'] ?? '')?.[1];
    if (replSet && uriReplSet !== replSet)
      problems.push(
        `compose ${api}: MONGODB_URI must name replicaSet=${replSet} (got ${uriReplSet ?? 'none'})`,
      );
    const initiated = /host:\s*'([^']+)'|host:\s*"([^"]+)"/.exec(
      healthcheckTest(services[mongoName ?? '']) ?? '',
    );
    const member = initiated?.[1] ?? initiated?.[2];
    const uriHostPort = /^mongodb:\/\/(?:[^@/]*@)?([^/,?]+)/.exec(env['MONGODB_URI'] ?? '')?.[1];
    if (
      member &&
      uriHostPort &&
      member !== (uriHostPort.includes(':') ? uriHostPort : `${uriHostPort}:27017`)
    ) {
      problems.push(
        `compose ${api}: the replica set member ${member} must be the address the API uses (${uriHostPort})`,
      );
    }
    if (redisName && hostOf(env['REDIS_URL']) !== redisName)
      problems.push(`compose ${api}: REDIS_URL host is not the redis service (${redisName})`);
    if (natsName && env['NATS_URL'] && hostOf(env['NATS_URL']) !== natsName)
      problems.push(`compose ${api}: NATS_URL host is not the nats service (${natsName})`);
    const health = healthcheckTest(services[api]) ?? '';
    if (!new RegExp(`:${env['PORT'] ?? API_PORT}/(readyz|healthz)`).test(health))
      problems.push(
        `compose ${api}: the healthcheck must probe /readyz or /healthz on port ${env['PORT'] ?? API_PORT}`,
      );
    const grace = composeSeconds(textAt(services[api], 'stop_grace_period'));
    const drain = Number(env['SHUTDOWN_GRACE_MS'] ?? DEFAULT_SHUTDOWN_GRACE_MS) / 1000;
    if (!(grace > drain))
      problems.push(
        `compose ${api}: stop_grace_period (${textAt(services[api], 'stop_grace_period') ?? '10s default'}) must exceed SHUTDOWN_GRACE_MS (${drain}s)`,
      );
    if (publishedPorts(services[api]).length > 0)
      problems.push(
        `compose ${api}: API replicas are reached through the load balancer only; do not publish ports`,
      );
  }
  for (const key of ['JWT_SECRET', 'MONGODB_URI', 'REDIS_URL', 'NATS_URL', 'BUS']) {
    const values = new Set(envs.map((e) => e.env[key]));
    if (values.size > 1) problems.push(`compose: ${key} differs between API replicas`);
  }

  // The load balancer: host port 8080 → nginx's listen port; nginx routes to every replica.
  const lb = lbs[0];
  if (lb) {
    const ports = publishedPorts(services[lb]);
    const main = ports.find((p) => p.published === 8080);
    if (!main)
      problems.push(
        `compose: the load balancer must publish host port 8080 (got ${JSON.stringify(ports)})`,
      );
    const config = mountTargets(lb).find(
      (m) => m.target === '/etc/nginx/nginx.conf' || m.target.startsWith('/etc/nginx/conf.d/'),
    );
    if (!config)
      problems.push('compose: the load balancer must mount its nginx config from deploy/');
    else if (
      !path
        .resolve(ctx.composeDir, config.source)
        .startsWith(path.join(ctx.repoRoot, 'deploy') + path.sep)
    ) {
      problems.push(`compose: the nginx config ${config.source} should live under deploy/`);
    } else if (existsSync(path.resolve(ctx.composeDir, config.source))) {
      const text = ctx.readFile(path.resolve(ctx.composeDir, config.source));
      try {
        const facts = nginxFacts(text);
        if (main && !facts.listenPorts.includes(main.target))
          problems.push(
            `compose: host port 8080 maps to container port ${main.target}, but nginx listens on ${facts.listenPorts.join(', ')}`,
          );
      } catch (error) {
        problems.push(`compose: ${config.source}: ${(error as Error).message}`);
      }
      const ports_ = envs.map((e) => `${e.api}:${e.env['PORT'] ?? API_PORT}`);
      problems.push(...checkNginx(text, ports_));
    }
  }
  return problems;
}

// ---------------------------------------------------------------- Kubernetes

export interface ManifestOptions {
  readonly label: string;
  readonly repoRoot: string;
  /** Whether the build must carry the placeholder Secret (base) or leave it to the operator (production). */
  readonly secret: 'placeholder' | 'external';
  /** Values standing in for the Secret when validating the configuration. */
  readonly testSecrets: Record<string, string>;
}

/** Variables that carry credentials: Secret only. */
export const SECRET_VARIABLES = [
  'JWT_SECRET',
  'ADMIN_TOKEN',
  'MONGODB_URI',
  'REDIS_URL',
  'SMS_WEBHOOK_URL',
  'DEFAULT_TENANT_SECRET',
  'NATS_PASSWORD',
];

const find = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const labelsMatch = (selector: YamlMap, labels: YamlMap) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Probe port (name or number) → container port number. */
function resolvePort(port: unknown, container: YamlMap): number | undefined {
  if (typeof port === 'number') return port;
  const named = listAt(container, 'ports').find((p) => textAt(p, 'name') === port);
  const value = named ? Number(textAt(named, 'containerPort')) : Number(port);
  return Number.isFinite(value) ? value : undefined;
}

/** Chatter's Deployment: the one whose container takes its configuration from a ConfigMap + Secret. */
export function chatterDeployment(objects: K8sObject[]): K8sObject | undefined {
  return find(objects, 'Deployment').find((d) =>
    podContainers(d).some((c) => listAt(c, 'envFrom').length > 0),
  );
}

export function checkManifests(objects: K8sObject[], options: ManifestOptions): string[] {
  const problems: string[] = [];
  const p = (message: string) => problems.push(`${options.label}: ${message}`);
  const deployment = chatterDeployment(objects);
  if (!deployment) return [`${options.label}: no Deployment of the API (a container with envFrom)`];
  const name = deployment.metadata.name;
  const podSpec = mapAt(deployment, 'spec', 'template', 'spec');
  const podLabels = mapAt(deployment, 'spec', 'template', 'metadata', 'labels');
  const container = podContainers(deployment)[0]!;

  const hpa = find(objects, 'HorizontalPodAutoscaler').find(
    (h) =>
      textAt(h, 'spec', 'scaleTargetRef', 'name') === name &&
      textAt(h, 'spec', 'scaleTargetRef', 'kind') === 'Deployment',
  );
  const replicasText = textAt(deployment, 'spec', 'replicas');
  // With an HPA the field must be absent: every `kubectl apply` would reset the HPA's count and
  // the surplus pods would drop their WebSockets. The HPA's minReplicas is the floor then.
  if (hpa && replicasText !== undefined)
    p(
      `Deployment ${name}: remove spec.replicas, the HorizontalPodAutoscaler owns it (kubectl apply would reset it to ${replicasText})`,
    );
  const replicas = hpa
    ? Number(textAt(hpa, 'spec', 'minReplicas') ?? 1)
    : Number(replicasText ?? 1);
  if (!hpa && !(replicas >= 2)) p(`Deployment ${name} needs replicas >= 2 (got ${replicas})`);
  if (!labelsMatch(mapAt(deployment, 'spec', 'selector', 'matchLabels'), podLabels))
    p(`Deployment ${name}: selector does not match the pod labels`);

  // Configuration: ConfigMap + Secret → every variable known; the whole set valid for the API.
  const env: Record<string, string> = {};
  let secretKeys: string[] = [];
  for (const ref of listAt(container, 'envFrom')) {
    const cm = textAt(ref, 'configMapRef', 'name');
    const secret = textAt(ref, 'secretRef', 'name');
    if (cm) {
      const configMap = find(objects, 'ConfigMap').find((c) => c.metadata.name === cm);
      if (!configMap) p(`envFrom ConfigMap ${cm} is not in the build`);
      for (const [k, v] of Object.entries(mapAt(configMap, 'data'))) {
        if (SECRET_VARIABLES.includes(k))
          p(`ConfigMap ${cm}: ${k} is a secret, keep it in the Secret`);
        env[k] = String(v);
      }
    }
    if (secret) {
      const object = find(objects, 'Secret').find((s) => s.metadata.name === secret);
      if (options.secret === 'external') {
        if (object)
          p(
            `Secret ${secret} must not be in this build: it is created outside Git and applying would overwrite it`,
          );
        // What the operator puts in the Secret: every test secret the env does not read itself.
        const envNames = new Set(listAt(container, 'env').map((e) => textAt(e, 'name')));
        secretKeys = Object.keys(options.testSecrets).filter((k) => !envNames.has(k));
      } else if (!object) {
        p(`envFrom Secret ${secret} is not in the build`);
      } else {
        const decoded = Object.entries(mapAt(object, 'data')).map(([k, v]) => [
          k,
          Buffer.from(String(v), 'base64').toString(),
        ]);
        const values: Record<string, string> = {
          ...Object.fromEntries(decoded),
          ...Object.fromEntries(
            Object.entries(mapAt(object, 'stringData')).map(([k, v]) => [k, String(v)]),
          ),
        };
        secretKeys = Object.keys(values);
        for (const [k, v] of Object.entries(values)) {
          if (!v.includes('REPLACE_ME'))
            p(
              `Secret ${secret}: ${k} must be a placeholder containing REPLACE_ME, never a real value`,
            );
        }
        if (!validateEnvironment({ ...env, ...values }, options.repoRoot).error) {
          p(
            `Secret ${secret}: the placeholders must fail validation (a forgotten placeholder must stop the pods, not run with a published secret)`,
          );
        }
      }
      if (!secretKeys.includes('JWT_SECRET')) p(`Secret ${secret} must provide JWT_SECRET`);
      // Credentials of the dependencies are read from their owners' Secrets (env below), never
      // copied into the app's Secret, where a password rotation would leave a stale copy.
      for (const key of ['MONGODB_URI', 'REDIS_URL', 'NATS_PASSWORD'])
        if (secretKeys.includes(key))
          p(
            `Secret ${secret}: ${key} is a copy of a dependency's credentials; read it from that Secret (env valueFrom.secretKeyRef) so rotation works`,
          );
    }
  }
  // env entries: literals may refer to earlier ones as $(NAME) (Kubernetes expands them);
  // a variable only referred to that way is a helper, not Chatter configuration.
  const helpers = new Set<string>();
  for (const e of listAt(container, 'env')) {
    const key = textAt(e, 'name') ?? '';
    const literal = textAt(e, 'value');
    const fromSecret = textAt(e, 'valueFrom', 'secretKeyRef', 'name');
    if (literal !== undefined && SECRET_VARIABLES.includes(key) && !/\$\(\w+\)/.test(literal))
      p(`${key} is a secret: take it from a Secret, not a literal env value`);
    const expanded = literal?.replace(/\$\((\w+)\)/g, (_m, ref: string) => {
      helpers.add(ref);
      return env[ref] ?? `$(${ref})`;
    });
    env[key] = expanded ?? options.testSecrets[key] ?? (fromSecret ? 'from-secret' : '');
  }
  for (const helper of helpers) delete env[helper];
  for (const key of ['MONGODB_URI', 'REDIS_URL'])
    if (!(key in env) && !secretKeys.includes(key))
      p(`the Deployment must provide ${key} (env from the dependency's Secret)`);
  const mongoRef = listAt(container, 'env').find((e) => textAt(e, 'name') === 'MONGODB_URI');
  if (mongoRef && !textAt(mongoRef, 'valueFrom', 'secretKeyRef', 'name'))
    p(
      "MONGODB_URI must be read from the operator's connection-string Secret (valueFrom.secretKeyRef)",
    );
  const testEnv = { ...env };
  for (const key of secretKeys) testEnv[key] = options.testSecrets[key] ?? testEnv[key] ?? '';
  problems.push(
    ...checkClusterEnvironment(
      `${options.label} Deployment ${name} configuration`,
      testEnv,
      options.repoRoot,
    ),
  );
  const outcome = validateEnvironment(testEnv, options.repoRoot);
  if (outcome.config && outcome.config.sms.sender !== 'webhook')
    p('production needs real SMS delivery (SMS_SENDER=webhook with SMS_WEBHOOK_URL)');

  // Ports and probes.
  const http = listAt(container, 'ports').find(
    (port) => Number(textAt(port, 'containerPort')) === API_PORT,
  );
  if (!http) p(`container ${textAt(container, 'name')} must expose containerPort ${API_PORT}`);
  if (Number(testEnv['PORT'] ?? API_PORT) !== Number(textAt(http, 'containerPort')))
    p(`PORT (${testEnv['PORT']}) differs from containerPort`);
  const probe = (kind: string, expected: RegExp) => {
    const spec = mapAt(container, kind);
    const pathValue = textAt(spec, 'httpGet', 'path');
    if (!pathValue) return p(`${kind} must be an httpGet probe`);
    if (!expected.test(pathValue))
      p(`${kind} must probe ${expected.source.replace(/[\\^$]/g, '')} (got ${pathValue})`);
    const port = resolvePort(mapAt(spec, 'httpGet')['port'], container);
    if (port !== API_PORT)
      p(
        `${kind} probes port ${String(mapAt(spec, 'httpGet')['port'])}, which is not containerPort ${API_PORT}`,
      );
  };
  probe('readinessProbe', /^\/readyz$/);
  probe('livenessProbe', /^\/healthz$/);
  probe('startupProbe', /^\/(healthz|readyz)$/);

  // Graceful shutdown: preStop sleep + drain must finish before SIGKILL.
  const preStop = listAt(container, 'lifecycle', 'preStop', 'exec', 'command').map(String);
  const sleepSeconds = Number(
    /sleep\s+(\d+)/.exec(preStop.join(' '))?.[1] ??
      textAt(container, 'lifecycle', 'preStop', 'sleep', 'seconds') ??
      NaN,
  );
  if (!(sleepSeconds > 0))
    p('the container needs a preStop sleep so endpoints drain before SIGTERM');
  const termination = Number(textAt(podSpec, 'terminationGracePeriodSeconds') ?? 30);
  const drain = Number(testEnv['SHUTDOWN_GRACE_MS'] ?? DEFAULT_SHUTDOWN_GRACE_MS) / 1000;
  if (!(termination > drain))
    p(`terminationGracePeriodSeconds (${termination}) must exceed SHUTDOWN_GRACE_MS (${drain}s)`);
  if (!(termination > drain + (sleepSeconds || 0)))
    p(
      `terminationGracePeriodSeconds (${termination}) must exceed the preStop sleep plus SHUTDOWN_GRACE_MS (${(sleepSeconds || 0) + drain}s)`,
    );

  // Resources, security, volumes, spreading.
  for (const kind of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      if (!textAt(container, 'resources', kind, resource))
        p(`resources.${kind}.${resource} must be set`);
    }
  }
  const podSecurity = mapAt(podSpec, 'securityContext');
  const security = mapAt(container, 'securityContext');
  const runAsNonRoot = security['runAsNonRoot'] ?? podSecurity['runAsNonRoot'];
  const runAsUser = Number(security['runAsUser'] ?? podSecurity['runAsUser'] ?? NaN);
  if (runAsNonRoot !== true) p('securityContext.runAsNonRoot must be true');
  if (runAsUser === 0) p('securityContext.runAsUser must not be 0');
  if (security['readOnlyRootFilesystem'] !== true)
    p('securityContext.readOnlyRootFilesystem must be true');
  if (security['allowPrivilegeEscalation'] !== false)
    p('securityContext.allowPrivilegeEscalation must be false');
  const emptyDirs = new Set(
    listAt(podSpec, 'volumes')
      .filter((v) => isMap(v) && v['emptyDir'] !== undefined)
      .map((v) => textAt(v, 'name')),
  );
  const mounts = listAt(container, 'volumeMounts').map((m) => ({
    name: textAt(m, 'name'),
    path: textAt(m, 'mountPath'),
  }));
  const dataDir = testEnv['DATA_DIR'] ?? '/app/data';
  for (const needed of ['/tmp', dataDir]) {
    if (!mounts.some((m) => m.path === needed && emptyDirs.has(m.name)))
      p(`an emptyDir must be mounted at ${needed} (read-only root filesystem)`);
  }
  if (
    listAt(podSpec, 'topologySpreadConstraints').filter((t) =>
      labelsMatch(mapAt(t, 'labelSelector', 'matchLabels'), podLabels),
    ).length === 0
  ) {
    p('topologySpreadConstraints must spread the API pods (labelSelector matching the pod labels)');
  }

  // Service → pods.
  const services = find(objects, 'Service').filter((s) =>
    labelsMatch(mapAt(s, 'spec', 'selector'), podLabels),
  );
  if (services.length === 0) p(`no Service selects the pods of ${name}`);
  // /metrics lives on METRICS_PORT: only a metrics Service (named *-metrics, routed by no
  // Ingress or HTTPRoute) may expose it; the public Service exposes the API port only.
  const metricsPort = Number(testEnv['METRICS_PORT'] ?? 0);
  if (!(metricsPort > 0))
    p('set METRICS_PORT: /metrics must be served on a port the public Service does not expose');
  else if (
    !listAt(container, 'ports').some((pt) => Number(textAt(pt, 'containerPort')) === metricsPort)
  )
    p(`METRICS_PORT ${metricsPort} is not a containerPort`);
  const routedServices = new Set([
    ...find(objects, 'Ingress').flatMap((i) =>
      listAt(i, 'spec', 'rules').flatMap((r) =>
        listAt(r, 'http', 'paths').map((pp) => textAt(pp, 'backend', 'service', 'name')),
      ),
    ),
    ...find(objects, 'HTTPRoute').flatMap((r) =>
      listAt(r, 'spec', 'rules').flatMap((rule) =>
        listAt(rule, 'backendRefs').map((b) => textAt(b, 'name')),
      ),
    ),
  ]);
  for (const service of services) {
    const isMetrics = service.metadata.name.endsWith('-metrics');
    if (isMetrics && routedServices.has(service.metadata.name))
      p(`Service ${service.metadata.name} exposes /metrics and must not be routed publicly`);
    for (const port of listAt(service, 'spec', 'ports')) {
      const target = resolvePort(
        isMap(port) ? (port['targetPort'] ?? port['port']) : undefined,
        container,
      );
      if (isMetrics) {
        if (target !== metricsPort)
          p(`Service ${service.metadata.name}: targetPort must be METRICS_PORT (${metricsPort})`);
        continue;
      }
      if (target === metricsPort)
        p(
          `Service ${service.metadata.name} exposes METRICS_PORT: keep /metrics off the public Service`,
        );
      else if (target !== API_PORT)
        p(
          `Service ${service.metadata.name}: targetPort ${String(isMap(port) ? port['targetPort'] : '')} is not the containerPort ${API_PORT}`,
        );
    }
  }

  // Ingress: WebSocket-friendly, TLS, routes to the Service.
  const ingresses = find(objects, 'Ingress');
  const main = ingresses.find((i) =>
    listAt(i, 'spec', 'rules').some((r) =>
      listAt(r, 'http', 'paths').some((pp) => textAt(pp, 'path') === '/'),
    ),
  );
  if (!main) p('no Ingress routes / to the API');
  for (const ingress of ingresses) {
    const ann = mapAt(ingress, 'metadata', 'annotations');
    const hosts = listAt(ingress, 'spec', 'rules').map((r) => textAt(r, 'host'));
    const tlsHosts = listAt(ingress, 'spec', 'tls').flatMap((t) => listAt(t, 'hosts').map(String));
    for (const host of hosts)
      if (!host || !tlsHosts.includes(host))
        p(`Ingress ${ingress.metadata.name}: host ${host ?? '(none)'} is not covered by spec.tls`);
    for (const rule of listAt(ingress, 'spec', 'rules')) {
      for (const pathEntry of listAt(rule, 'http', 'paths')) {
        const svcName = textAt(pathEntry, 'backend', 'service', 'name');
        const svc = services.find((s) => s.metadata.name === svcName);
        if (!svc) {
          p(`Ingress ${ingress.metadata.name}: backend ${svcName} is not the API Service`);
          continue;
        }
        const portName = textAt(pathEntry, 'backend', 'service', 'port', 'name');
        const portNumber = textAt(pathEntry, 'backend', 'service', 'port', 'number');
        const ok = listAt(svc, 'spec', 'ports').some(
          (sp) =>
            (portName !== undefined && textAt(sp, 'name') === portName) ||
            (portNumber !== undefined && textAt(sp, 'port') === portNumber),
        );
        if (!ok)
          p(
            `Ingress ${ingress.metadata.name}: backend port ${portName ?? portNumber} is not a port of Service ${svcName}`,
          );
      }
    }
    if (ingress === main) {
      const seconds = (key: string) => Number(String(ann[key] ?? '').replace(/s$/, ''));
      for (const key of [
        'nginx.ingress.kubernetes.io/proxy-read-timeout',
        'nginx.ingress.kubernetes.io/proxy-send-timeout',
      ]) {
        if (!(seconds(key) >= 3600))
          p(
            `Ingress ${ingress.metadata.name}: ${key} must be >= 3600 for long-lived WebSockets (got ${String(ann[key] ?? 'default 60')})`,
          );
      }
      if (ann['nginx.ingress.kubernetes.io/proxy-http-version'] !== '1.1')
        p(
          `Ingress ${ingress.metadata.name}: nginx.ingress.kubernetes.io/proxy-http-version must be "1.1" (WebSocket upgrade)`,
        );
      const wsServices = String(ann['nginx.org/websocket-services'] ?? '')
        .split(',')
        .map((s) => s.trim());
      if (!services.some((s) => wsServices.includes(s.metadata.name)))
        p(
          `Ingress ${ingress.metadata.name}: nginx.org/websocket-services must name the API Service`,
        );
      if (!Object.keys(ann).some((k) => k.startsWith('cert-manager.io/')))
        p(
          `Ingress ${ingress.metadata.name}: needs a cert-manager.io/cluster-issuer (or issuer) annotation`,
        );
      if (listAt(ingress, 'spec', 'tls').length === 0)
        p(`Ingress ${ingress.metadata.name}: needs spec.tls`);
    }
  }
  // HTTP keep-alive above the proxies' upstream keep-alive (ingress-nginx, Gateways: 60 s).
  const keepAlive = outcome.config?.http.keepAliveTimeoutMs ?? 0;
  if (!(keepAlive > 60_000))
    p(
      `HTTP_KEEP_ALIVE_TIMEOUT_MS (${keepAlive}) must exceed the proxies' 60 s upstream keep-alive, or reused connections get 502`,
    );

  // NetworkPolicy: the API pods admit and reach only what they need.
  const apiPolicy = find(objects, 'NetworkPolicy').find((np) =>
    labelsMatch(mapAt(np, 'spec', 'podSelector', 'matchLabels'), podLabels),
  );
  if (!apiPolicy) p(`no NetworkPolicy selects the pods of ${name}`);
  else {
    const types = listAt(apiPolicy, 'spec', 'policyTypes').map(String);
    if (!types.includes('Ingress') || !types.includes('Egress'))
      p(`NetworkPolicy ${apiPolicy.metadata.name} must restrict Ingress and Egress`);
    for (const rule of listAt(apiPolicy, 'spec', 'ingress'))
      if (listAt(rule, 'from').length === 0)
        p(`NetworkPolicy ${apiPolicy.metadata.name}: an ingress rule admits every source`);
    for (const rule of listAt(apiPolicy, 'spec', 'egress'))
      if (listAt(rule, 'to').length === 0)
        p(`NetworkPolicy ${apiPolicy.metadata.name}: an egress rule allows every destination`);
  }

  // Gateway API route beside the Ingress.
  const route = find(objects, 'HTTPRoute')[0];
  if (!route) p('no Gateway API HTTPRoute (the successor of ingress-nginx) routes to the API');
  else if (
    !listAt(route, 'spec', 'rules').some((rule) =>
      listAt(rule, 'backendRefs').some((b) =>
        services.some((svc) => svc.metadata.name === textAt(b, 'name')),
      ),
    )
  )
    p(`HTTPRoute ${route.metadata.name} does not route to the API Service`);

  // Autoscaling and disruption budget.
  if (!hpa) p(`no HorizontalPodAutoscaler targets Deployment ${name}`);
  else {
    const min = Number(textAt(hpa, 'spec', 'minReplicas') ?? 1);
    const max = Number(textAt(hpa, 'spec', 'maxReplicas'));
    if (!(min >= 2)) p(`HorizontalPodAutoscaler minReplicas must be >= 2 (got ${min})`);
    if (!(max >= min)) p('HorizontalPodAutoscaler maxReplicas must be >= minReplicas');
    if (!listAt(hpa, 'spec', 'metrics').some((m) => textAt(m, 'resource', 'name') === 'cpu'))
      p('HorizontalPodAutoscaler must scale on CPU');
  }
  const pdb = find(objects, 'PodDisruptionBudget').find((b) =>
    labelsMatch(mapAt(b, 'spec', 'selector', 'matchLabels'), podLabels),
  );
  if (!pdb) p(`no PodDisruptionBudget selects the pods of ${name}`);
  else {
    const minAvailable = Number(textAt(pdb, 'spec', 'minAvailable'));
    if (!(minAvailable >= 1))
      p(
        `PodDisruptionBudget minAvailable must be >= 1 (got ${textAt(pdb, 'spec', 'minAvailable') ?? 'unset'})`,
      );
    const floor = Math.min(replicas, Number(textAt(hpa, 'spec', 'minReplicas') ?? replicas));
    if (minAvailable >= floor)
      p(
        `PodDisruptionBudget minAvailable (${minAvailable}) must stay below the replica floor (${floor}), or node drains block`,
      );
  }

  // Image: the placeholder name the overlay's `images:` rewrites.
  const image = textAt(container, 'image') ?? '';
  if (!splitImage(image).name.split('/').pop()!.startsWith('chatter'))
    p(`the API image is ${image}, expected chatter or <registry>/chatter`);
  return problems;
}

/** Redis must bound its memory with a policy that fits rate limits and presence. */
export function checkRedisMemory(label: string, command: string): string[] {
  const maxmemory = /--maxmemory\s+(\d+)(mb|gb|b)?\b/i.exec(command);
  const policy = /--maxmemory-policy\s+(\S+)/.exec(command)?.[1];
  const problems: string[] = [];
  if (!maxmemory || Number(maxmemory[1]) === 0)
    problems.push(`${label}: set --maxmemory, or growth ends in an OOM kill`);
  // allkeys-* would evict keys without a TTL; every Chatter key has one, but evicting a
  // rate-limit or attempt counter resets a limit: noeviction fails writes cleanly instead.
  if (policy !== 'noeviction')
    problems.push(
      `${label}: --maxmemory-policy must be noeviction (got ${policy ?? 'unset'}): evicting rate-limit and login-attempt counters would reset them`,
    );
  return problems;
}

/** Hosts and names the base configuration expects from k8s/dependencies and the NATS chart. */
export function checkDependencies(
  dependencies: K8sObject[],
  baseObjects: K8sObject[],
  natsValues: unknown,
): string[] {
  const problems: string[] = [];
  const d = (message: string) => problems.push(`dependencies: ${message}`);
  const deployment = chatterDeployment(baseObjects);
  if (!deployment) return ['dependencies: no API Deployment in the base'];
  const envList = podContainers(deployment).flatMap((c) => listAt(c, 'env'));
  const envEntry = (name: string) => envList.find((e) => textAt(e, 'name') === name);
  const secretRef = (name: string) => ({
    secret: textAt(envEntry(name), 'valueFrom', 'secretKeyRef', 'name'),
    key: textAt(envEntry(name), 'valueFrom', 'secretKeyRef', 'key'),
  });
  const configMap = find(baseObjects, 'ConfigMap')[0];
  const apiLabels = mapAt(deployment, 'spec', 'template', 'metadata', 'labels');

  if (find(dependencies, 'Namespace').length > 0)
    d('must not own the Namespace (k8s/namespace): deleting the data would delete everything');

  // Redis: host from REDIS_URL, password from its Secret, bounded memory, surviving volume.
  const redisUrlText = (textAt(envEntry('REDIS_URL'), 'value') ?? 'redis://missing').replace(
    /\$\(\w+\)/g,
    'x',
  );
  const redisUrl = new URL(redisUrlText);
  const redisService = find(dependencies, 'Service').find(
    (s) => s.metadata.name === redisUrl.hostname,
  );
  if (!redisService)
    d(`REDIS_URL names host ${redisUrl.hostname}, but no such Service is in k8s/dependencies`);
  else if (
    !listAt(redisService, 'spec', 'ports').some(
      (pt) => textAt(pt, 'port') === (redisUrl.port || '6379'),
    )
  )
    d(`Service ${redisService.metadata.name} has no port ${redisUrl.port || '6379'}`);
  const redisSet = find(dependencies, 'StatefulSet').find((s) =>
    labelsMatch(
      mapAt(redisService, 'spec', 'selector'),
      mapAt(s, 'spec', 'template', 'metadata', 'labels'),
    ),
  );
  if (!redisSet) d('no StatefulSet behind the Redis Service');
  else {
    const args = podContainers(redisSet)
      .flatMap((c) => listAt(c, 'args').map(String))
      .join(' ');
    if (!/--appendonly yes/.test(args)) d('Redis should persist with --appendonly yes');
    if (!/--requirepass/.test(args)) d('Redis must require a password (REDIS_URL carries it)');
    problems.push(...checkRedisMemory('dependencies: Redis', args));
    if (listAt(redisSet, 'spec', 'volumeClaimTemplates').length === 0)
      d('Redis needs a volumeClaimTemplate for its append-only file');
    if (
      textAt(redisSet, 'spec', 'persistentVolumeClaimRetentionPolicy', 'whenDeleted') !== 'Retain'
    )
      d('Redis: persistentVolumeClaimRetentionPolicy.whenDeleted must be Retain');
    const redisPasswordSecret = podContainers(redisSet)
      .flatMap((c) => listAt(c, 'env'))
      .map((e) => textAt(e, 'valueFrom', 'secretKeyRef', 'name'))
      .find(Boolean);
    const apiRedisSecret = envList
      .map((e) => textAt(e, 'valueFrom', 'secretKeyRef', 'name'))
      .find((n) => n === redisPasswordSecret);
    if (!redisPasswordSecret || !apiRedisSecret)
      d(
        "the API must read the Redis password from Redis's own Secret (no copy in chatter-secrets)",
      );
  }

  // MongoDB: the API reads the operator's connection string; members spread, bounded, budgeted.
  const mongo = find(dependencies, 'MongoDBCommunity')[0];
  if (!mongo) d('no MongoDBCommunity replica set');
  else {
    const rs = mongo.metadata.name;
    const mongoRef = secretRef('MONGODB_URI');
    const user = listAt(mongo, 'spec', 'users').find(
      (u) => textAt(u, 'connectionStringSecretName') === mongoRef.secret,
    );
    if (!user || mongoRef.key !== 'connectionString.standard')
      d(
        "MONGODB_URI must come from the operator's connection-string Secret (env secretKeyRef, key connectionString.standard)",
      );
    if (textAt(mongo, 'spec', 'type') !== 'ReplicaSet')
      d('MongoDB must be a ReplicaSet (transactions)');
    if (!(Number(textAt(mongo, 'spec', 'members')) >= 3))
      d('the MongoDB replica set needs >= 3 members to survive a node loss');
    if (mapAt(mongo, 'spec', 'security', 'tls')['enabled'] === undefined)
      d('MongoDB: spec.security.tls must be set (on, or off with the TLS component available)');
    const podSpec = mapAt(mongo, 'spec', 'statefulSet', 'spec', 'template', 'spec');
    const anti = listAt(
      podSpec,
      'affinity',
      'podAntiAffinity',
      'requiredDuringSchedulingIgnoredDuringExecution',
    );
    if (!anti.some((t) => textAt(t, 'topologyKey') === 'kubernetes.io/hostname'))
      d('MongoDB members need required pod anti-affinity on kubernetes.io/hostname');
    const mongod = listAt(podSpec, 'containers').find((c) => textAt(c, 'name') === 'mongod');
    if (
      !textAt(mongod, 'resources', 'requests', 'memory') ||
      !textAt(mongod, 'resources', 'limits', 'memory')
    )
      d('MongoDB: the mongod container needs memory requests and limits');
    if (
      textAt(
        mongo,
        'spec',
        'statefulSet',
        'spec',
        'persistentVolumeClaimRetentionPolicy',
        'whenDeleted',
      ) !== 'Retain'
    )
      d('MongoDB: persistentVolumeClaimRetentionPolicy.whenDeleted must be Retain');
    const podLabel = { app: `${rs}-svc` };
    const pdb = find(dependencies, 'PodDisruptionBudget').find((b) =>
      labelsMatch(mapAt(b, 'spec', 'selector', 'matchLabels'), podLabel),
    );
    if (!pdb || textAt(pdb, 'spec', 'maxUnavailable') !== '1')
      d('MongoDB needs a PodDisruptionBudget with maxUnavailable 1 (keeps the majority)');

    // Backups: mongodump onto a volume of its own, on a schedule.
    const backup = find(dependencies, 'CronJob').find((c) =>
      JSON.stringify(c).includes('mongodump'),
    );
    if (!backup) d('no CronJob backs MongoDB up with mongodump');
    else {
      const jobPod = mapAt(backup, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
      const claim = listAt(jobPod, 'volumes')
        .map((v) => textAt(v, 'persistentVolumeClaim', 'claimName'))
        .find(Boolean);
      if (
        !claim ||
        !find(dependencies, 'PersistentVolumeClaim').some((c) => c.metadata.name === claim)
      )
        d(
          `CronJob ${backup.metadata.name} must write to a PersistentVolumeClaim of k8s/dependencies`,
        );
      if (textAt(backup, 'spec', 'concurrencyPolicy') !== 'Forbid')
        d(`CronJob ${backup.metadata.name}: concurrencyPolicy must be Forbid`);
    }
  }

  // NATS: core NATS with a user per deployment; JetStream off unless something needs it.
  const natsUrl = new URL(String(mapAt(configMap, 'data')['NATS_URL'] ?? 'nats://missing'));
  if (natsUrl.hostname !== 'nats' || (natsUrl.port || '4222') !== '4222')
    d(`NATS_URL must be nats://nats:4222 (the Helm release "nats"), got ${natsUrl.href}`);
  if (mapAt(natsValues, 'config', 'jetstream')['enabled'] === true)
    d('nats-values.yaml enables JetStream, which nothing in Chatter uses (3 volumes for nothing)');
  const natsUsers = listAt(natsValues, 'config', 'merge', 'authorization', 'users');
  const natsEnv = mapAt(natsValues, 'container', 'env');
  const natsSecrets = Object.values(natsEnv).map((v) =>
    textAt(v, 'valueFrom', 'secretKeyRef', 'name'),
  );
  const apiNats = [secretRef('NATS_USER').secret, secretRef('NATS_PASSWORD').secret];
  if (natsUsers.length === 0)
    d('NATS must require authentication (config.merge.authorization.users)');
  else if (!apiNats[0] || !apiNats[1] || !apiNats.every((s) => natsSecrets.includes(s)))
    d(
      'the API must read NATS_USER and NATS_PASSWORD from the Secret the NATS servers take the user from',
    );
  if (mapAt(natsValues, 'config', 'nats', 'tls')['enabled'] === undefined)
    d('nats-values.yaml must carry the TLS option (config.nats.tls)');
  if (
    mapAt(natsValues, 'config', 'cluster')['enabled'] !== true ||
    !(Number(textAt(natsValues, 'config', 'cluster', 'replicas')) >= 3)
  )
    d('NATS must run as a cluster of >= 3 (a client fails over when one restarts)');

  // NetworkPolicies: each data store admits the API and its own peers only.
  for (const [what, labels] of [
    ['MongoDB', mongo ? { app: `${mongo.metadata.name}-svc` } : {}],
    ['Redis', mapAt(redisService, 'spec', 'selector')],
    ['NATS', { 'app.kubernetes.io/name': 'nats' }],
  ] as const) {
    const policy = find(dependencies, 'NetworkPolicy').find((np) =>
      labelsMatch(mapAt(np, 'spec', 'podSelector', 'matchLabels'), labels as YamlMap),
    );
    if (!policy) {
      d(`no NetworkPolicy restricts who reaches ${what}`);
      continue;
    }
    const sources = listAt(policy, 'spec', 'ingress').flatMap((r) => listAt(r, 'from'));
    if (listAt(policy, 'spec', 'ingress').some((r) => listAt(r, 'from').length === 0))
      d(`NetworkPolicy ${policy.metadata.name} admits every source`);
    if (
      !sources.some((src) =>
        labelsMatch(mapAt(src, 'podSelector', 'matchLabels'), apiLabels as YamlMap),
      )
    )
      d(`NetworkPolicy ${policy.metadata.name} must admit the API pods`);
  }
  return problems;
}

/**
 * Lifecycle: the app overlay owns no Namespace and no data, so `kubectl delete -k` of it removes
 * the API only; a default-deny policy guards the namespace.
 */
export function checkLifecycle(app: K8sObject[], namespace: K8sObject[]): string[] {
  const problems: string[] = [];
  const DATA_KINDS = [
    'Namespace',
    'StatefulSet',
    'PersistentVolumeClaim',
    'MongoDBCommunity',
    'CronJob',
  ];
  for (const o of app)
    if (DATA_KINDS.includes(o.kind))
      problems.push(
        `app: ${o.kind}/${o.metadata.name} would be deleted by kubectl delete -k of the app; keep it in k8s/namespace or k8s/dependencies`,
      );
  if (!find(namespace, 'Namespace').length) problems.push('namespace: no Namespace');
  const deny = find(namespace, 'NetworkPolicy').find(
    (np) =>
      Object.keys(mapAt(np, 'spec', 'podSelector')).length === 0 &&
      listAt(np, 'spec', 'policyTypes').map(String).includes('Ingress') &&
      listAt(np, 'spec', 'ingress').length === 0,
  );
  if (!deny)
    problems.push('namespace: no default-deny NetworkPolicy (empty podSelector, no ingress rule)');
  return problems;
}
