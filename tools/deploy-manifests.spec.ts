// Checks of the deployment files: Dockerfile, .dockerignore, docker-compose.yml, deploy/nginx,
// k8s/ (Kustomize base, production overlay, dependencies). No Docker engine or cluster is needed:
// the files are parsed and their facts cross-checked, and each cluster configuration is run
// through the API's own loadConfig. Every check is also run against a deliberately broken copy,
// so none of them can pass vacuously.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  apiServices,
  checkCompose,
  checkDependencies,
  checkLifecycle,
  checkDockerfile,
  checkManifests,
  checkNginx,
  ComposeContext,
  KNOWN_VARIABLES,
  ManifestOptions,
  validateEnvironment,
} from './deploy/checks';
import { interpolateCompose, serviceEnvironment } from './deploy/compose';
import { buildKustomization, K8sObject, podContainers } from './deploy/kustomize';
import { renderKustomization } from './deploy/kustomize-render';
import {
  listAt,
  mapAt,
  parseYamlDocuments,
  readYamlFile,
  textAt,
  YamlMap,
} from './deploy/yaml-docs';

const root = path.resolve(__dirname, '..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');
const problemsText = (problems: string[]) => problems.join('\n');

function yamlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return yamlFilesUnder(full);
    return /\.ya?ml$/.test(entry) ? [full] : [];
  });
}

// ------------------------------------------------------------------------------------- YAML

describe('YAML files', () => {
  const files = [path.join(root, 'docker-compose.yml'), ...yamlFilesUnder(path.join(root, 'k8s'))];

  it('include the compose file and the Kubernetes manifests', () => {
    expect(files.map((f) => path.relative(root, f))).toEqual(
      expect.arrayContaining([
        'docker-compose.yml',
        'k8s/base/kustomization.yaml',
        'k8s/overlays/production/kustomization.yaml',
        'k8s/dependencies/kustomization.yaml',
      ]),
    );
  });

  it.each(files.map((f) => [path.relative(root, f), f]))(
    '%s parses without errors or duplicate keys',
    (_, file) => {
      expect(readYamlFile(file).length).toBeGreaterThan(0);
    },
  );

  it('the parser rejects duplicate keys, also in merged compose services, and syntax errors', () => {
    expect(() => parseYamlDocuments('a: 1\na: 2\n', 'dup.yaml')).toThrow(/unique/i);
    expect(() =>
      parseYamlDocuments('x: &x {a: 1}\ny:\n  <<: *x\n  b: 1\n  b: 2\n', 'dup.yaml'),
    ).toThrow(/unique/i);
    expect(() => parseYamlDocuments('a: [1\n', 'bad.yaml')).toThrow(/bad\.yaml/);
    expect(() => parseYamlDocuments('a: 1\n---\nb: 1\nb: 2\n', 'second-doc.yaml')).toThrow(
      /unique/i,
    );
  });
});

// -------------------------------------------------------------------------------- Dockerfile

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = read('Dockerfile');
  const dockerignore = read('.dockerignore');

  it('pass every check', () => {
    expect(checkDockerfile(dockerfile, dockerignore, root)).toEqual([]);
  });

  const runtimeOnly = (text: string) => text.slice(text.indexOf('FROM ${NODE_IMAGE} AS runtime'));
  const replace = (from: string | RegExp, to: string) => (text: string) => {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`mutation did not apply: ${String(from)}`);
    return next;
  };
  const dockerfileMutations: [string, (text: string) => string, RegExp][] = [
    [
      'it has a single stage',
      (t) => `ARG NODE_IMAGE=node:24-bookworm-slim\n${runtimeOnly(t)}`,
      /multi-stage/,
    ],
    [
      'the runtime is Alpine (musl) while the build is Debian',
      replace('FROM ${NODE_IMAGE} AS runtime', 'FROM node:24-alpine AS runtime'),
      /bookworm family/,
    ],
    [
      'the image runs an older Node.js than the newest one package.json supports',
      replace('ARG NODE_IMAGE=node:24.22.3-bookworm-slim', 'ARG NODE_IMAGE=node:20-bookworm-slim'),
      /node:24 bookworm family/,
    ],
    [
      'the base image is a floating tag',
      replace('ARG NODE_IMAGE=node:24.22.3-bookworm-slim', 'ARG NODE_IMAGE=node:24-bookworm-slim'),
      /pin an exact Node\.js release/,
    ],
    [
      'dependencies are installed with npm install',
      replace('npm ci --no-audit --no-fund;', 'npm install --no-audit --no-fund;'),
      /npm ci/,
    ],
    ['there is no USER', replace(/^USER .*$/m, ''), /no USER/],
    ['USER is root', replace(/^USER .*$/m, 'USER root'), /USER is root/],
    [
      'NODE_ENV is not production',
      replace('NODE_ENV=production', 'NODE_ENV=development'),
      /NODE_ENV=production/,
    ],
    [
      'an ENV is not a configuration variable',
      replace('DATA_DIR=/app/data', 'DATA_DIR=/app/data CHATTER_PORT=1'),
      /CHATTER_PORT is not a Chatter/,
    ],
    ['port 3000 is not exposed', replace('EXPOSE 3000', 'EXPOSE 8080'), /EXPOSE 3000/],
    ['there is no HEALTHCHECK', replace(/^HEALTHCHECK .*\\\n.*\n/m, ''), /needs a HEALTHCHECK/],
    [
      'the HEALTHCHECK probes another path',
      replace("+'/healthz'", "+'/status'"),
      /must probe \/healthz/,
    ],
    [
      'the HEALTHCHECK needs curl',
      replace(/CMD \["node", "-e".*$/m, 'CMD curl -f http://127.0.0.1:3000/healthz'),
      /node one-liner/,
    ],
    [
      'CMD is in shell form',
      replace('CMD ["node", "dist/api/main.js"]', 'CMD node dist/api/main.js'),
      /exec form/,
    ],
    [
      'CMD runs something else',
      replace('CMD ["node", "dist/api/main.js"]', 'CMD ["npm", "start"]'),
      /CMD must be/,
    ],
    [
      'ENTRYPOINT is a shell',
      replace('ENTRYPOINT ["/usr/bin/tini", "--"]', 'ENTRYPOINT ["sh", "-c"]'),
      /ENTRYPOINT must be an init/,
    ],
    [
      'dev dependencies are not pruned',
      replace('npm prune --omit=dev', 'true'),
      /does not run npm ci\/prune --omit=dev/,
    ],
    [
      'node_modules comes from the full install',
      replace('COPY --from=prod-deps /app/node_modules', 'COPY --from=deps /app/node_modules'),
      /stage "deps", which does not run/,
    ],
    [
      'the web app is not copied',
      replace(/^COPY --from=build \/app\/apps\/web\/dist .*\n/m, ''),
      /COPY apps\/web\/dist/,
    ],
    [
      'package.json is not copied',
      replace(/^COPY package\.json \.\/\n/m, ''),
      /COPY package\.json/,
    ],
    ['nothing builds the app', replace('node scripts/build.mjs', 'true'), /builds the app/],
    [
      'a COPY source does not exist',
      replace('COPY package.json package-lock.json ./', 'COPY package.json yarn.lock ./'),
      /yarn\.lock does not exist/,
    ],
  ];
  it.each(dockerfileMutations)('fail when %s', (_, mutate, expected) => {
    expect(problemsText(checkDockerfile(mutate(dockerfile), dockerignore, root))).toMatch(expected);
  });

  const ignoreMutations: [string, (text: string) => string, RegExp][] = [
    [
      'node_modules is not ignored',
      (t) => t.replace(/^\*\*\/node_modules$/m, ''),
      /must exclude node_modules/,
    ],
    ['.git is not ignored', (t) => t.replace(/^\.git$/m, ''), /must exclude \.git\/HEAD/],
    ['.env is not ignored', (t) => t.replace(/^\.env$/m, ''), /must exclude \.env/],
    [
      'local builds are not ignored',
      (t) => t.replace(/^dist$/m, ''),
      /must exclude dist\/api\/main\.js/,
    ],
    ['build inputs are ignored', (t) => `${t}\nscripts\n`, /excludes scripts\/build\.mjs/],
    ['the lockfile is ignored', (t) => `${t}\n*.json\n`, /excludes package-lock\.json/],
  ];
  it.each(ignoreMutations)('fail when %s', (_, mutate, expected) => {
    const mutated = mutate(dockerignore);
    expect(mutated).not.toBe(dockerignore);
    expect(problemsText(checkDockerfile(dockerfile, mutated, root))).toMatch(expected);
  });
});

// ---------------------------------------------------------------------------- docker compose

describe('docker-compose.yml', () => {
  const raw = readYamlFile(path.join(root, 'docker-compose.yml'))[0];
  // The two variables compose requires (there is no public default).
  const REQUIRED = { JWT_SECRET: 'j'.repeat(40), NATS_PASSWORD: 'n'.repeat(32) };
  const compose = interpolateCompose(raw, REQUIRED);
  const nginxConf = read('deploy/nginx/nginx.conf');
  const ctx = (nginx = nginxConf): ComposeContext => ({
    repoRoot: root,
    composeDir: root,
    readFile: (file) => (file.endsWith('nginx.conf') ? nginx : readFileSync(file, 'utf8')),
  });
  const services = (c: unknown) => mapAt(c, 'services');

  it('passes every check with only the required variables set', () => {
    expect(checkCompose(compose, ctx())).toEqual([]);
  });

  it('refuses to start without JWT_SECRET or NATS_PASSWORD: no public demo secret', () => {
    expect(() => interpolateCompose(raw, { NATS_PASSWORD: 'n'.repeat(32) })).toThrow(
      /required variable JWT_SECRET is not set/,
    );
    expect(() => interpolateCompose(raw, { JWT_SECRET: 'j'.repeat(40) })).toThrow(
      /required variable NATS_PASSWORD is not set/,
    );
    // Also when the load balancer is bound to every address.
    expect(() =>
      interpolateCompose(raw, { CHATTER_BIND: '0.0.0.0', NATS_PASSWORD: 'n'.repeat(32) }),
    ).toThrow(/JWT_SECRET/);
  });

  it('runs two API replicas, MongoDB, Redis, NATS and the load balancer (and the TURN relay on demand)', () => {
    expect(apiServices(compose, ctx())).toEqual(['api-1', 'api-2']);
    expect(Object.keys(services(compose)).sort()).toEqual([
      'api-1',
      'api-2',
      'coturn',
      'lb',
      'mongo',
      'nats',
      'redis',
    ]);
  });

  it("runs coturn only with the calls profile, with TURN REST auth on the API's secret and no relaying to private addresses", () => {
    const withTurn = interpolateCompose(raw, {
      ...REQUIRED,
      TURN_SECRET: 't'.repeat(24),
      TURN_URIS: 'turn:turn.example.org:3478',
    });
    const coturn = services(withTurn)['coturn'];
    expect(listAt(coturn, 'profiles')).toEqual(['calls']);
    const command = listAt(coturn, 'entrypoint').join(' ');
    expect(command).toContain('--use-auth-secret');
    expect(command).toContain('--static-auth-secret="$TURN_SECRET"');
    expect(command).toMatch(/test "\$\{#TURN_SECRET\}" -ge 16/);
    for (const range of [
      '10.0.0.0-10.255.255.255',
      '127.0.0.0-127.255.255.255',
      '192.168.0.0-192.168.255.255',
    ])
      expect(command).toContain(`--denied-peer-ip=${range}`);
    // The announced address behind NAT: passed through, and used only when set.
    expect(command).toContain('${TURN_EXTERNAL_IP:+--external-ip=$TURN_EXTERNAL_IP}');
    expect(mapAt(coturn, 'environment')['TURN_EXTERNAL_IP']).toBe('');
    const behindNat = interpolateCompose(raw, {
      ...REQUIRED,
      TURN_SECRET: 't'.repeat(24),
      TURN_EXTERNAL_IP: '203.0.113.7/10.0.0.5',
    });
    expect(mapAt(services(behindNat)['coturn'], 'environment')['TURN_EXTERNAL_IP']).toBe(
      '203.0.113.7/10.0.0.5',
    );
    for (const api of ['api-1', 'api-2']) {
      const env = mapAt(services(withTurn)[api], 'environment');
      expect(env['TURN_SECRET']).toBe('t'.repeat(24));
      expect(env['TURN_URIS']).toBe('turn:turn.example.org:3478');
    }
  });

  it('passes SMS_WEBHOOK_URL, JWT_SECRET and ADMIN_TOKEN from the environment to every replica', () => {
    const env = {
      ...REQUIRED,
      SMS_WEBHOOK_URL: 'https://sms.example.com/hook',
      JWT_SECRET: 'x'.repeat(48),
      ADMIN_TOKEN: 'a'.repeat(30),
    };
    const configured = interpolateCompose(raw, env);
    expect(checkCompose(configured, ctx())).toEqual([]);
    for (const api of apiServices(configured, ctx())) {
      const outcome = validateEnvironment(serviceEnvironment(services(configured)[api]), root);
      expect(outcome.error).toBeUndefined();
      expect(outcome.config!.sms).toMatchObject({
        sender: 'webhook',
        webhookUrl: env.SMS_WEBHOOK_URL,
      });
      expect(outcome.config!.auth).toMatchObject({
        jwtSecret: env.JWT_SECRET,
        adminToken: env.ADMIN_TOKEN,
      });
      expect(outcome.config!.bus).toBe('nats');
      expect(outcome.config!.store.kind).toBe('mongo');
    }
  });

  it('binds the load balancer to 127.0.0.1 unless CHATTER_BIND says otherwise', () => {
    expect(listAt(services(compose)['lb'], 'ports')).toEqual(['127.0.0.1:8080:80']);
    expect(
      listAt(
        services(interpolateCompose(raw, { ...REQUIRED, CHATTER_BIND: '0.0.0.0' }))['lb'],
        'ports',
      ),
    ).toEqual(['0.0.0.0:8080:80']);
  });

  const service = (c: YamlMap, name: string) => services(c)[name] as YamlMap;
  const envOf = (c: YamlMap, name: string) => mapAt(service(c, name), 'environment');
  const mutations: [string, (c: YamlMap) => void, RegExp][] = [
    ['there is one API replica', (c) => delete services(c)['api-2'], /at least two API replicas/],
    [
      'a replica builds from elsewhere',
      (c) => (mapAt(service(c, 'api-2'), 'build')['context'] = './apps'),
      /api-2 builds from \.\/apps/,
    ],
    [
      'a service has no healthcheck',
      (c) => delete service(c, 'redis')['healthcheck'],
      /redis has no healthcheck/,
    ],
    [
      'a dependency is only started, not healthy',
      (c) => (mapAt(service(c, 'api-1'), 'depends_on', 'mongo')['condition'] = 'service_started'),
      /api-1 depends on mongo with condition service_started/,
    ],
    [
      'an API does not wait for NATS',
      (c) => delete mapAt(service(c, 'api-1'), 'depends_on')['nats'],
      /api-1 must wait for nats/,
    ],
    [
      'the load balancer does not wait for a replica',
      (c) => delete mapAt(service(c, 'lb'), 'depends_on')['api-2'],
      /lb must wait for api-2/,
    ],
    [
      'a volume is not declared',
      (c) => delete mapAt(c, 'volumes')['redis-data'],
      /uses volume redis-data, not declared/,
    ],
    [
      'MongoDB is not a replica set',
      (c) => (service(c, 'mongo')['command'] = ['mongod', '--bind_ip_all']),
      /must run as a replica set/,
    ],
    [
      'nothing initiates the replica set',
      (c) =>
        (mapAt(service(c, 'mongo'), 'healthcheck')['test'] = [
          'CMD',
          'mongosh',
          '--eval',
          'if (!db.hello().isWritablePrimary) quit(1)',
        ]),
      /must initiate the replica set/,
    ],
    [
      'the replica set is initiated unconditionally',
      (c) =>
        (mapAt(service(c, 'mongo'), 'healthcheck')['test'] = [
          'CMD',
          'mongosh',
          '--eval',
          "rs.initiate({_id:'rs0',members:[{_id:0,host:'mongo:27017'}]}); if (!db.hello().isWritablePrimary) quit(1)",
        ]),
      /only when not yet initiated/,
    ],
    [
      'MongoDB data is not on a named volume',
      (c) => (service(c, 'mongo')['volumes'] = ['mongo-config:/data/configdb']),
      /mongo needs a named volume on \/data\/db/,
    ],
    [
      'the replica set member is not the address the API uses',
      (c) => {
        const test = listAt(service(c, 'mongo'), 'healthcheck', 'test').map(String);
        mapAt(service(c, 'mongo'), 'healthcheck')['test'] = test.map((w) =>
          w.replace("host: 'mongo:27017'", "host: 'localhost:27017'"),
        );
      },
      /member localhost:27017 must be the address the API uses/,
    ],
    [
      'MONGODB_URI omits the replica set',
      (c) => {
        envOf(c, 'api-1')['MONGODB_URI'] = 'mongodb://mongo:27017/chatter';
        envOf(c, 'api-2')['MONGODB_URI'] = 'mongodb://mongo:27017/chatter';
      },
      /must name replicaSet=rs0/,
    ],
    [
      'Redis does not persist',
      (c) => (service(c, 'redis')['command'] = ['redis-server']),
      /--appendonly yes/,
    ],
    [
      'NATS accepts anonymous clients',
      (c) => (service(c, 'nats')['command'] = ['nats-server', '--http_port', '8222']),
      /nats must require a user and password/,
    ],
    [
      'a replica has another NATS password',
      (c) => (envOf(c, 'api-2')['NATS_PASSWORD'] = 'other'),
      /api-2: NATS_USER \/ NATS_PASSWORD must match/,
    ],
    [
      'JetStream is turned on without a store volume',
      (c) =>
        (service(c, 'nats')['command'] = [
          ...listAt(service(c, 'nats'), 'command'),
          '-js',
          '-sd',
          '/js',
        ]),
      /with JetStream on, nats needs its store directory on a named volume/,
    ],
    [
      'Redis memory is unbounded',
      (c) => (service(c, 'redis')['command'] = ['redis-server', '--appendonly', 'yes']),
      /redis: set --maxmemory/,
    ],
    [
      'Redis evicts keys when full',
      (c) =>
        (service(c, 'redis')['command'] = listAt(service(c, 'redis'), 'command').map((a) =>
          a === 'noeviction' ? 'allkeys-lru' : a,
        )),
      /--maxmemory-policy must be noeviction \(got allkeys-lru\)/,
    ],
    [
      'a replica has an unknown variable',
      (c) => (envOf(c, 'api-1')['CHATTER_MODE'] = 'cluster'),
      /CHATTER_MODE is not a Chatter configuration variable/,
    ],
    [
      'REDIS_URL is missing',
      (c) => {
        delete envOf(c, 'api-1')['REDIS_URL'];
      },
      /REDIS_URL must be set for cluster mode/,
    ],
    [
      'no shared bus is configured',
      (c) => {
        delete envOf(c, 'api-1')['NATS_URL'];
        delete envOf(c, 'api-1')['BUS'];
        delete envOf(c, 'api-1')['REDIS_URL'];
      },
      /a shared bus is needed/,
    ],
    [
      'BUS=memory with MongoDB',
      (c) => (envOf(c, 'api-1')['BUS'] = 'memory'),
      /refuses this configuration: .*BUS=memory/,
    ],
    [
      'NODE_ENV is development',
      (c) => (envOf(c, 'api-1')['NODE_ENV'] = 'development'),
      /NODE_ENV must be production/,
    ],
    [
      'log SMS in production is not allowed',
      (c) => (envOf(c, 'api-1')['ALLOW_LOG_SMS_IN_PRODUCTION'] = ''),
      /refuses this configuration: .*SMS_SENDER=log/,
    ],
    [
      'JWT_SECRET is too short',
      (c) => {
        envOf(c, 'api-1')['JWT_SECRET'] = 'short';
        envOf(c, 'api-2')['JWT_SECRET'] = 'short';
      },
      /JWT_SECRET must be at least 32 characters/,
    ],
    [
      'the replicas have different JWT secrets',
      (c) => (envOf(c, 'api-2')['JWT_SECRET'] = 'y'.repeat(40)),
      /JWT_SECRET differs between API replicas/,
    ],
    [
      'TRUST_PROXY is unset behind the load balancer',
      (c) => delete envOf(c, 'api-1')['TRUST_PROXY'],
      /TRUST_PROXY must be set/,
    ],
    [
      'REDIS_URL points at another host',
      (c) => (envOf(c, 'api-1')['REDIS_URL'] = 'redis://cache:6379'),
      /REDIS_URL host is not the redis service/,
    ],
    [
      'the API healthcheck probes the wrong port',
      (c) =>
        (mapAt(service(c, 'api-1'), 'healthcheck')['test'] = [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:8080/readyz')",
        ]),
      /must probe \/readyz or \/healthz on port 3000/,
    ],
    [
      'Docker kills replicas before they drain',
      (c) => (service(c, 'api-1')['stop_grace_period'] = '5s'),
      /stop_grace_period \(5s\) must exceed SHUTDOWN_GRACE_MS/,
    ],
    [
      'a replica publishes its port',
      (c) => (service(c, 'api-1')['ports'] = ['3000:3000']),
      /do not publish ports/,
    ],
    [
      'the load balancer is not on 8080',
      (c) => (service(c, 'lb')['ports'] = ['127.0.0.1:8081:80']),
      /must publish host port 8080/,
    ],
    [
      '8080 maps to a port nginx does not listen on',
      (c) => (service(c, 'lb')['ports'] = ['8080:8080']),
      /maps to container port 8080, but nginx listens on 80/,
    ],
    [
      'the nginx config is not mounted',
      (c) => (service(c, 'lb')['volumes'] = []),
      /must mount its nginx config/,
    ],
  ];
  it.each(mutations)('fails when %s', (_, mutate, expected) => {
    const copy = structuredClone(compose) as YamlMap;
    mutate(copy);
    expect(problemsText(checkCompose(copy, ctx()))).toMatch(expected);
  });

  it('fails when nginx does not route to every replica', () => {
    const conf = nginxConf.replace(/^\s*server api-2:3000 .*\n/m, '');
    expect(conf).not.toBe(nginxConf);
    expect(problemsText(checkCompose(compose, ctx(conf)))).toMatch(
      /upstream lacks API replicas api-2:3000/,
    );
  });
});

// -------------------------------------------------------------------------------------- nginx

describe('deploy/nginx/nginx.conf', () => {
  const conf = read('deploy/nginx/nginx.conf');
  const upstreams = ['api-1:3000', 'api-2:3000'];

  it('passes every check', () => {
    expect(checkNginx(conf, upstreams)).toEqual([]);
  });

  const replace = (from: string | RegExp, to: string) => (text: string) => {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`mutation did not apply: ${String(from)}`);
    return next;
  };
  const mutations: [string, (text: string) => string, RegExp][] = [
    [
      'there is no Upgrade → Connection map',
      replace(/map \$http_upgrade \$connection_upgrade \{[^}]*\}/, ''),
      /needs "map \$http_upgrade \$connection_upgrade"/,
    ],
    [
      'the map defaults to close',
      replace('default upgrade;', 'default close;'),
      /must default to "upgrade"/,
    ],
    [
      'Upgrade is not forwarded',
      replace('proxy_set_header Upgrade $http_upgrade;', ''),
      /must send "proxy_set_header Upgrade \$http_upgrade"/,
    ],
    [
      'Connection is a constant',
      replace(
        'proxy_set_header Connection $connection_upgrade;',
        'proxy_set_header Connection "upgrade";',
      ),
      /must send "proxy_set_header Connection \$connection_upgrade"/,
    ],
    [
      'HTTP/1.0 is used upstream',
      replace('proxy_http_version 1.1;', 'proxy_http_version 1.0;'),
      /needs proxy_http_version 1\.1/,
    ],
    [
      'Host drops the port',
      replace('proxy_set_header Host $http_host;', 'proxy_set_header Host $host;'),
      /must send "proxy_set_header Host \$http_host"/,
    ],
    [
      'X-Forwarded-For is not set',
      replace(/proxy_set_header X-Forwarded-For .*;/, ''),
      /must set X-Forwarded-For/,
    ],
    [
      '/graphql sets one header of its own and so inherits none',
      replace(
        'proxy_pass http://chatter_api;\n            proxy_read_timeout 1h;',
        'proxy_pass http://chatter_api;\n            proxy_set_header X-Test 1;\n            proxy_read_timeout 1h;',
      ),
      /location \/graphql must send "proxy_set_header Upgrade/,
    ],
    [
      '/graphql keeps the 60 s default read timeout',
      replace('proxy_read_timeout 1h;', 'proxy_read_timeout 60s;'),
      /proxy_read_timeout >= 300s/,
    ],
    [
      '/graphql keeps the default send timeout',
      replace('proxy_send_timeout 1h;', ''),
      /proxy_send_timeout >= 300s/,
    ],
    [
      'a replica is missing from the upstream',
      replace(/^\s*server api-2:3000 .*\n/m, ''),
      /lacks API replicas api-2:3000/,
    ],
    [
      'the upstream points elsewhere',
      replace('server api-2:3000', 'server api-2:4000'),
      /lists api-2:4000, which is not an API replica/,
    ],
    [
      '/metrics is proxied publicly',
      replace('return 404;', 'proxy_pass http://chatter_api;'),
      /\/metrics must not be proxied/,
    ],
    [
      '/metrics is refused by exact path only',
      replace('location ~* ^/+metrics(/|$) {', 'location = /metrics {'),
      /refuse \/metrics in every spelling/,
    ],
    [
      "nginx keeps upstream connections longer than the API's keep-alive",
      replace('keepalive_timeout 60s;\n    }', 'keepalive_timeout 75s;\n    }'),
      /upstream keepalive_timeout 75s must stay below/,
    ],
    [
      '/graphql is missing',
      replace('location /graphql {', 'location /gql {'),
      /no location \/graphql/,
    ],
    ['a brace is missing', replace(/\n}\s*$/, '\n'), /unclosed "\{"/],
    ['a semicolon is missing', replace('return 404;', 'return 404'), /missing ";"/],
  ];
  it.each(mutations)('fails when %s', (_, mutate, expected) => {
    expect(problemsText(checkNginx(mutate(conf), upstreams))).toMatch(expected);
  });
});

// --------------------------------------------------------------------------------- Kubernetes

const TEST_SECRETS: Record<string, string> = {
  JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnop',
  ADMIN_TOKEN: 'test-admin-token-0123456789',
  SMS_WEBHOOK_URL: 'https://sms.example.com/hook',
  // Read by the Deployment from the dependencies' own Secrets (env valueFrom.secretKeyRef).
  MONGODB_URI: 'mongodb://chatter:pw@chatter-mongodb-svc:27017/chatter?replicaSet=chatter-mongodb',
  CHATTER_REDIS_PASSWORD: 'pw',
  NATS_USER: 'chatter-api',
  NATS_PASSWORD: 'nats-pw',
};

describe('k8s kustomizations', () => {
  // Rendered by the real Kustomize, as `kubectl apply -k` does.
  const render = (dir: string) => ({
    objects: renderKustomization(path.join(root, dir)),
    problems: [],
  });
  const base = render('k8s/base');
  const production = render('k8s/overlays/production');
  const dependencies = render('k8s/dependencies');
  const natsValues = readYamlFile(path.join(root, 'k8s/dependencies/nats-values.yaml'))[0];
  const baseOptions: ManifestOptions = {
    label: 'k8s/base',
    repoRoot: root,
    secret: 'placeholder',
    testSecrets: TEST_SECRETS,
  };
  const productionOptions: ManifestOptions = {
    label: 'k8s/overlays/production',
    repoRoot: root,
    secret: 'external',
    testSecrets: TEST_SECRETS,
  };

  const kinds = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

  it('kustomize renders the app: API objects only, no Namespace and no data', () => {
    expect(kinds(base.objects)).toEqual([
      'ConfigMap/chatter-config',
      'Deployment/chatter-api',
      'HTTPRoute/chatter',
      'HorizontalPodAutoscaler/chatter-api',
      'Ingress/chatter',
      'NetworkPolicy/chatter-api',
      'PodDisruptionBudget/chatter-api',
      'Secret/chatter-secrets',
      'Service/chatter-api',
      'Service/chatter-api-metrics',
      'ServiceAccount/chatter-api',
    ]);
    expect(kinds(production.objects)).toEqual(
      kinds(base.objects).filter((k) => k !== 'Secret/chatter-secrets'),
    );
  });

  it('`kubectl delete -k` of the app leaves the namespace, the data and the backups', () => {
    const namespace = renderKustomization(path.join(root, 'k8s/namespace'));
    expect(checkLifecycle(production.objects, namespace)).toEqual([]);
    expect(kinds(namespace)).toEqual(['Namespace/chatter', 'NetworkPolicy/default-deny-ingress']);
    // What deleting the app deletes (every object of its build) and what stays.
    const deleted = new Set(production.objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'StatefulSet', 'PersistentVolumeClaim', 'MongoDBCommunity'])
      expect(deleted.has(kind), kind).toBe(false);
    expect(kinds(dependencies.objects)).toEqual(
      expect.arrayContaining([
        'CronJob/chatter-mongodb-backup',
        'MongoDBCommunity/chatter-mongodb',
        'PersistentVolumeClaim/chatter-mongodb-backup',
        'StatefulSet/redis',
      ]),
    );
  });

  it('fails the lifecycle check when the app owns the Namespace or a data store', () => {
    const namespace = renderKustomization(path.join(root, 'k8s/namespace'));
    const withNamespace = [
      ...production.objects,
      ...namespace.filter((o) => o.kind === 'Namespace'),
    ];
    expect(problemsText(checkLifecycle(withNamespace, namespace))).toMatch(
      /Namespace\/chatter would be deleted by kubectl delete -k of the app/,
    );
    const withRedis = [...production.objects, get(dependencies.objects, 'StatefulSet')];
    expect(problemsText(checkLifecycle(withRedis, namespace))).toMatch(/StatefulSet\/redis/);
    expect(
      problemsText(
        checkLifecycle(
          production.objects,
          namespace.filter((o) => o.kind !== 'NetworkPolicy'),
        ),
      ),
    ).toMatch(/no default-deny NetworkPolicy/);
  });

  it('the production HPA also scales on open WebSockets (custom metric)', () => {
    const hpa = get(production.objects, 'HorizontalPodAutoscaler');
    expect(
      listAt(hpa, 'spec', 'metrics').map(
        (m) => textAt(m, 'pods', 'metric', 'name') ?? textAt(m, 'resource', 'name'),
      ),
    ).toEqual(['cpu', 'chatter_ws_connections_open']);
    expect(textAt(get(production.objects, 'Deployment'), 'spec', 'replicas')).toBeUndefined();
  });

  it('the base passes every check', () => {
    expect(checkManifests(base.objects, baseOptions)).toEqual([]);
  });

  it('the production overlay passes every check', () => {
    expect(checkManifests(production.objects, productionOptions)).toEqual([]);
  });

  it('the production overlay sets the namespace, the image and the replica floor', () => {
    for (const o of production.objects) {
      if (o.kind !== 'Namespace')
        expect(o.metadata['namespace'], `${o.kind}/${o.metadata.name}`).toBe('chatter');
    }
    const kustomization = readYamlFile(
      path.join(root, 'k8s/overlays/production/kustomization.yaml'),
    )[0];
    const rule = listAt(kustomization, 'images').find((r) => textAt(r, 'name') === 'chatter');
    expect(rule, 'images: entry for "chatter"').toBeDefined();
    const deployment = production.objects.find((o) => o.kind === 'Deployment')!;
    expect(podContainers(deployment)[0]!['image']).toBe(
      `${textAt(rule, 'newName')}:${textAt(rule, 'newTag')}`,
    );
    const baseImage = podContainers(base.objects.find((o) => o.kind === 'Deployment'))[0]!['image'];
    expect(baseImage, 'the base image is the name the overlay rewrites').toBe(textAt(rule, 'name'));
  });

  it('every variable in the ConfigMaps and Secrets is a known configuration variable', () => {
    for (const objects of [base.objects, production.objects]) {
      for (const o of objects.filter((x) => x.kind === 'ConfigMap' || x.kind === 'Secret')) {
        for (const key of [
          ...Object.keys(mapAt(o, 'data')),
          ...Object.keys(mapAt(o, 'stringData')),
        ]) {
          expect(KNOWN_VARIABLES.has(key), `${o.kind}/${o.metadata.name}: ${key}`).toBe(true);
        }
      }
    }
  });

  it('the dependencies match what the configuration expects', () => {
    expect(checkDependencies(dependencies.objects, base.objects, natsValues)).toEqual([]);
  });

  const clone = () => structuredClone(base.objects);
  const get = (objects: K8sObject[], kind: string, name?: string) =>
    objects.find((o) => o.kind === kind && (!name || o.metadata.name === name))!;
  const container = (objects: K8sObject[]) => podContainers(get(objects, 'Deployment'))[0]!;
  const podSpec = (objects: K8sObject[]) =>
    mapAt(get(objects, 'Deployment'), 'spec', 'template', 'spec');
  const cm = (objects: K8sObject[]) => mapAt(get(objects, 'ConfigMap'), 'data');
  const secret = (objects: K8sObject[]) => mapAt(get(objects, 'Secret'), 'stringData');
  const ann = (objects: K8sObject[]) =>
    mapAt(get(objects, 'Ingress', 'chatter'), 'metadata', 'annotations');
  const manifestMutations: [string, (o: K8sObject[]) => K8sObject[] | void, RegExp][] = [
    [
      'the Deployment sets replicas while the HPA owns them',
      (o) => {
        mapAt(get(o, 'Deployment'), 'spec')['replicas'] = 3;
      },
      /remove spec\.replicas, the HorizontalPodAutoscaler owns it \(kubectl apply would reset it to 3\)/,
    ],
    [
      'there is no HPA and one replica',
      (o) => {
        mapAt(get(o, 'Deployment'), 'spec')['replicas'] = 1;
        return o.filter((x) => x.kind !== 'HorizontalPodAutoscaler');
      },
      /needs replicas >= 2/,
    ],
    [
      'METRICS_PORT is unset (metrics on the public port)',
      (o) => {
        delete cm(o)['METRICS_PORT'];
      },
      /set METRICS_PORT/,
    ],
    [
      'the public Service exposes the metrics port',
      (o) => {
        listAt(get(o, 'Service', 'chatter-api'), 'spec', 'ports').push({
          name: 'metrics',
          port: 9464,
          targetPort: 'metrics',
        });
      },
      /Service chatter-api exposes METRICS_PORT/,
    ],
    [
      'the Ingress routes the metrics Service',
      (o) => {
        const rule = listAt(get(o, 'Ingress', 'chatter'), 'spec', 'rules')[0];
        listAt(rule, 'http', 'paths').push({
          path: '/metrics',
          pathType: 'Exact',
          backend: { service: { name: 'chatter-api-metrics', port: { number: 9464 } } },
        });
      },
      /chatter-api-metrics exposes \/metrics and must not be routed publicly/,
    ],
    [
      "the keep-alive is Node's default 5 s",
      (o) => {
        cm(o)['HTTP_KEEP_ALIVE_TIMEOUT_MS'] = '5000';
      },
      /HTTP_KEEP_ALIVE_TIMEOUT_MS \(5000\) must exceed the proxies' 60 s/,
    ],
    [
      'there is no NetworkPolicy for the API',
      (o) => o.filter((x) => x.kind !== 'NetworkPolicy'),
      /no NetworkPolicy selects the pods of chatter-api/,
    ],
    [
      'the API NetworkPolicy admits everyone',
      (o) => {
        (listAt(get(o, 'NetworkPolicy'), 'spec', 'ingress')[0] as YamlMap)['from'] = [];
      },
      /an ingress rule admits every source/,
    ],
    [
      'the API may connect anywhere',
      (o) => {
        mapAt(get(o, 'NetworkPolicy'), 'spec')['policyTypes'] = ['Ingress'];
      },
      /must restrict Ingress and Egress/,
    ],
    [
      'there is no HTTPRoute',
      (o) => o.filter((x) => x.kind !== 'HTTPRoute'),
      /no Gateway API HTTPRoute/,
    ],
    [
      'readiness probes /healthz',
      (o) => {
        mapAt(container(o), 'readinessProbe', 'httpGet')['path'] = '/healthz';
      },
      /readinessProbe must probe \/readyz/,
    ],
    [
      'liveness probes /readyz',
      (o) => {
        mapAt(container(o), 'livenessProbe', 'httpGet')['path'] = '/readyz';
      },
      /livenessProbe must probe \/healthz/,
    ],
    [
      'liveness probes another port',
      (o) => {
        mapAt(container(o), 'livenessProbe', 'httpGet')['port'] = 8080;
      },
      /livenessProbe probes port 8080/,
    ],
    [
      'there is no startup probe',
      (o) => {
        delete container(o)['startupProbe'];
      },
      /startupProbe must be an httpGet probe/,
    ],
    [
      'the container port is not 3000',
      (o) => {
        listAt(container(o), 'ports').forEach((p) => ((p as YamlMap)['containerPort'] = 8080));
      },
      /must expose containerPort 3000/,
    ],
    [
      'there is no preStop sleep',
      (o) => {
        delete container(o)['lifecycle'];
      },
      /needs a preStop sleep/,
    ],
    [
      'termination grace equals SHUTDOWN_GRACE_MS',
      (o) => {
        podSpec(o)['terminationGracePeriodSeconds'] = 10;
      },
      /terminationGracePeriodSeconds \(10\) must exceed SHUTDOWN_GRACE_MS/,
    ],
    [
      'termination grace ignores the preStop sleep',
      (o) => {
        podSpec(o)['terminationGracePeriodSeconds'] = 12;
      },
      /must exceed the preStop sleep plus SHUTDOWN_GRACE_MS/,
    ],
    [
      'limits are missing',
      (o) => {
        delete mapAt(container(o), 'resources')['limits'];
      },
      /resources\.limits\.cpu must be set/,
    ],
    [
      'the pod may run as root',
      (o) => {
        mapAt(podSpec(o), 'securityContext')['runAsNonRoot'] = false;
        delete mapAt(container(o), 'securityContext')['runAsNonRoot'];
      },
      /runAsNonRoot must be true/,
    ],
    [
      'the pod runs as uid 0',
      (o) => {
        mapAt(podSpec(o), 'securityContext')['runAsUser'] = 0;
      },
      /runAsUser must not be 0/,
    ],
    [
      'the root filesystem is writable',
      (o) => {
        mapAt(container(o), 'securityContext')['readOnlyRootFilesystem'] = false;
      },
      /readOnlyRootFilesystem must be true/,
    ],
    [
      'privilege escalation is allowed',
      (o) => {
        delete mapAt(container(o), 'securityContext')['allowPrivilegeEscalation'];
      },
      /allowPrivilegeEscalation must be false/,
    ],
    [
      '/tmp is not an emptyDir',
      (o) => {
        container(o)['volumeMounts'] = listAt(container(o), 'volumeMounts').filter(
          (m) => textAt(m, 'mountPath') !== '/tmp',
        );
      },
      /emptyDir must be mounted at \/tmp/,
    ],
    [
      'DATA_DIR is not an emptyDir',
      (o) => {
        cm(o)['DATA_DIR'] = '/var/chatter';
      },
      /emptyDir must be mounted at \/var\/chatter/,
    ],
    [
      'pods are not spread',
      (o) => {
        delete podSpec(o)['topologySpreadConstraints'];
      },
      /topologySpreadConstraints must spread/,
    ],
    [
      'the Service targets another port',
      (o) => {
        listAt(get(o, 'Service'), 'spec', 'ports').forEach(
          (p) => ((p as YamlMap)['targetPort'] = 8080),
        );
      },
      /targetPort 8080 is not the containerPort 3000/,
    ],
    [
      'the Service selects nothing',
      (o) => {
        for (const svc of o.filter((x) => x.kind === 'Service'))
          mapAt(svc, 'spec')['selector'] = { app: 'other' };
      },
      /no Service selects the pods/,
    ],
    [
      'the Ingress keeps the 60 s read timeout',
      (o) => {
        ann(o)['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '60';
      },
      /proxy-read-timeout must be >= 3600/,
    ],
    [
      'the Ingress has no send timeout',
      (o) => {
        delete ann(o)['nginx.ingress.kubernetes.io/proxy-send-timeout'];
      },
      /proxy-send-timeout must be >= 3600/,
    ],
    [
      'the Ingress uses HTTP/1.0 upstream',
      (o) => {
        ann(o)['nginx.ingress.kubernetes.io/proxy-http-version'] = '1.0';
      },
      /proxy-http-version must be "1\.1"/,
    ],
    [
      'the Ingress does not mark WebSocket services',
      (o) => {
        delete ann(o)['nginx.org/websocket-services'];
      },
      /websocket-services must name the API Service/,
    ],
    [
      'the Ingress has no certificate issuer',
      (o) => {
        delete ann(o)['cert-manager.io/cluster-issuer'];
      },
      /cert-manager\.io\/cluster-issuer/,
    ],
    [
      'the Ingress has no TLS',
      (o) => {
        delete mapAt(get(o, 'Ingress', 'chatter'), 'spec')['tls'];
      },
      /host chat\.example\.com is not covered by spec\.tls/,
    ],
    [
      'the Ingress names a missing Service port',
      (o) => {
        listAt(get(o, 'Ingress', 'chatter'), 'spec', 'rules').forEach((r) =>
          listAt(r, 'http', 'paths').forEach(
            (p) => (mapAt(p, 'backend', 'service', 'port')['name'] = 'web'),
          ),
        );
      },
      /backend port web is not a port of Service/,
    ],
    [
      'the HPA allows one replica',
      (o) => {
        mapAt(get(o, 'HorizontalPodAutoscaler'), 'spec')['minReplicas'] = 1;
      },
      /minReplicas must be >= 2/,
    ],
    [
      'the HPA does not scale on CPU',
      (o) => {
        mapAt(get(o, 'HorizontalPodAutoscaler'), 'spec')['metrics'] = [
          { type: 'Resource', resource: { name: 'memory' } },
        ];
      },
      /must scale on CPU/,
    ],
    [
      'the HPA targets another Deployment',
      (o) => {
        mapAt(get(o, 'HorizontalPodAutoscaler'), 'spec', 'scaleTargetRef')['name'] = 'other';
      },
      /no HorizontalPodAutoscaler targets/,
    ],
    [
      'the PDB allows zero pods',
      (o) => {
        mapAt(get(o, 'PodDisruptionBudget'), 'spec')['minAvailable'] = 0;
      },
      /minAvailable must be >= 1/,
    ],
    [
      'the PDB blocks every drain',
      (o) => {
        mapAt(get(o, 'PodDisruptionBudget'), 'spec')['minAvailable'] = 2;
      },
      /must stay below the replica floor/,
    ],
    [
      'the ConfigMap has an unknown variable',
      (o) => {
        cm(o)['REDIS_HOST'] = 'redis';
      },
      /REDIS_HOST is not a Chatter configuration variable/,
    ],
    [
      'NODE_ENV is development',
      (o) => {
        cm(o)['NODE_ENV'] = 'development';
      },
      /NODE_ENV must be production/,
    ],
    [
      'the bus is memory',
      (o) => {
        cm(o)['BUS'] = 'memory';
      },
      /refuses this configuration: .*BUS=memory/,
    ],
    [
      'SMS codes would only be logged',
      (o) => {
        cm(o)['SMS_SENDER'] = 'log';
      },
      /refuses this configuration: .*SMS_SENDER=log/,
    ],
    [
      'a demo log sender is allowed in production',
      (o) => {
        cm(o)['SMS_SENDER'] = 'log';
        cm(o)['ALLOW_LOG_SMS_IN_PRODUCTION'] = 'true';
      },
      /needs real SMS delivery/,
    ],
    [
      'PORT differs from the container port',
      (o) => {
        cm(o)['PORT'] = '8080';
      },
      /PORT must be 3000/,
    ],
    [
      'a secret sits in the ConfigMap',
      (o) => {
        cm(o)['JWT_SECRET'] = 'REPLACE_ME';
      },
      /ConfigMap chatter-config: JWT_SECRET is a secret/,
    ],
    [
      'a secret is a literal env value',
      (o) => {
        container(o)['env'] = [{ name: 'ADMIN_TOKEN', value: 'x'.repeat(30) }];
      },
      /ADMIN_TOKEN is a secret: take it from a Secret/,
    ],
    [
      'the Secret holds a real-looking value',
      (o) => {
        secret(o)['JWT_SECRET'] = 'k'.repeat(48);
      },
      /JWT_SECRET must be a placeholder containing REPLACE_ME/,
    ],
    [
      'the placeholders would pass validation',
      (o) => {
        secret(o)['JWT_SECRET'] = `REPLACE_ME${'x'.repeat(40)}`;
        secret(o)['ADMIN_TOKEN'] = `REPLACE_ME${'x'.repeat(30)}`;
      },
      /placeholders must fail validation/,
    ],
    [
      'the Secret carries a copy of the MongoDB connection string',
      (o) => {
        secret(o)['MONGODB_URI'] = 'mongodb://chatter:REPLACE_ME@chatter-mongodb-svc/chatter';
      },
      /MONGODB_URI is a copy of a dependency's credentials/,
    ],
    [
      'MONGODB_URI is a literal',
      (o) => {
        const e = listAt(container(o), 'env').find(
          (x) => textAt(x, 'name') === 'MONGODB_URI',
        ) as YamlMap;
        delete e['valueFrom'];
        e['value'] = 'mongodb://chatter:pw@chatter-mongodb-svc/chatter?replicaSet=chatter-mongodb';
      },
      /MONGODB_URI is a secret: take it from a Secret/,
    ],
    [
      'REDIS_URL is not provided',
      (o) => {
        container(o)['env'] = listAt(container(o), 'env').filter(
          (x) => textAt(x, 'name') !== 'REDIS_URL',
        );
      },
      /must provide REDIS_URL/,
    ],
    [
      'the ConfigMap is missing',
      (o) => o.filter((x) => x.kind !== 'ConfigMap'),
      /envFrom ConfigMap chatter-config is not in the build/,
    ],
    [
      'the image is not Chatter',
      (o) => {
        container(o)['image'] = 'nginx:1.27';
      },
      /the API image is nginx:1\.27/,
    ],
  ];
  it.each(manifestMutations)('fails when %s', (_, mutate, expected) => {
    const objects = clone();
    const result = mutate(objects) ?? objects;
    expect(problemsText(checkManifests(result, baseOptions))).toMatch(expected);
  });

  it('fails when an overlay that manages the Secret outside Git would still apply the placeholders', () => {
    expect(problemsText(checkManifests(base.objects, productionOptions))).toMatch(
      /Secret chatter-secrets must not be in this build/,
    );
  });

  const dependencyMutations: [
    string,
    (deps: K8sObject[], baseObjects: K8sObject[], nats: YamlMap) => void,
    RegExp,
  ][] = [
    [
      'REDIS_URL names a host that does not exist',
      (_, b) => {
        const e = listAt(container(b), 'env').find(
          (x) => textAt(x, 'name') === 'REDIS_URL',
        ) as YamlMap;
        e['value'] = 'redis://:$(CHATTER_REDIS_PASSWORD)@redis-master:6379';
      },
      /no such Service/,
    ],
    [
      'Redis memory is unbounded',
      (d) => {
        const c = podContainers(get(d, 'StatefulSet'))[0]!;
        c['args'] = listAt(c, 'args').filter((a) => !/^(--maxmemory|320mb)$/.test(String(a)));
      },
      /Redis: set --maxmemory/,
    ],
    [
      'Redis evicts rate-limit counters',
      (d) => {
        const c = podContainers(get(d, 'StatefulSet'))[0]!;
        c['args'] = listAt(c, 'args').map((a) => (a === 'noeviction' ? 'volatile-lru' : a));
      },
      /maxmemory-policy must be noeviction \(got volatile-lru\)/,
    ],
    [
      "Redis's volume is deleted with the StatefulSet",
      (d) => {
        delete mapAt(get(d, 'StatefulSet'), 'spec')['persistentVolumeClaimRetentionPolicy'];
      },
      /Redis: persistentVolumeClaimRetentionPolicy.whenDeleted must be Retain/,
    ],
    [
      'the dependencies own the Namespace',
      (d) => {
        d.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'chatter' } } as K8sObject);
      },
      /must not own the Namespace/,
    ],
    [
      'Redis has no password',
      (d) => {
        const c = podContainers(get(d, 'StatefulSet'))[0]!;
        c['args'] = listAt(c, 'args').filter(
          (a) => a !== '--requirepass' && a !== '$(REDIS_PASSWORD)',
        );
      },
      /must require a password/,
    ],
    [
      'Redis has no volume',
      (d) => {
        delete mapAt(get(d, 'StatefulSet'), 'spec')['volumeClaimTemplates'];
      },
      /volumeClaimTemplate/,
    ],
    [
      "MONGODB_URI is not the operator's connection string",
      (_, b) => {
        const e = listAt(container(b), 'env').find(
          (x) => textAt(x, 'name') === 'MONGODB_URI',
        ) as YamlMap;
        mapAt(e, 'valueFrom', 'secretKeyRef')['name'] = 'chatter-secrets';
      },
      /MONGODB_URI must come from the operator's connection-string Secret/,
    ],
    [
      'MongoDB members may share a node',
      (d) => {
        delete mapAt(get(d, 'MongoDBCommunity'), 'spec', 'statefulSet', 'spec', 'template', 'spec')[
          'affinity'
        ];
      },
      /required pod anti-affinity/,
    ],
    [
      'mongod has no memory limit',
      (d) => {
        const spec = mapAt(
          get(d, 'MongoDBCommunity'),
          'spec',
          'statefulSet',
          'spec',
          'template',
          'spec',
        );
        const mongod = listAt(spec, 'containers').find((c) => textAt(c, 'name') === 'mongod');
        delete (mongod as YamlMap)['resources'];
      },
      /mongod container needs memory requests and limits/,
    ],
    [
      'MongoDB has no PodDisruptionBudget',
      (d) => d.splice(d.indexOf(get(d, 'PodDisruptionBudget')), 1),
      /PodDisruptionBudget with maxUnavailable 1/,
    ],
    [
      'MongoDB has no TLS setting',
      (d) => {
        delete mapAt(get(d, 'MongoDBCommunity'), 'spec', 'security')['tls'];
      },
      /spec.security.tls must be set/,
    ],
    [
      'there is no backup',
      (d) => d.splice(d.indexOf(get(d, 'CronJob')), 1),
      /no CronJob backs MongoDB up with mongodump/,
    ],
    [
      'the backup writes into the pod (no volume)',
      (d) => {
        const pod = mapAt(get(d, 'CronJob'), 'spec', 'jobTemplate', 'spec', 'template', 'spec');
        pod['volumes'] = listAt(pod, 'volumes').filter((v) => textAt(v, 'name') !== 'backup');
      },
      /must write to a PersistentVolumeClaim/,
    ],
    [
      'NATS admits anonymous clients',
      (_, __, n) => {
        delete mapAt(n, 'config')['merge'];
      },
      /NATS must require authentication/,
    ],
    [
      'the API does not take the NATS user from the Secret',
      (_, b) => {
        container(b)['env'] = listAt(container(b), 'env').filter(
          (x) => !String(textAt(x, 'name')).startsWith('NATS_'),
        );
      },
      /must read NATS_USER and NATS_PASSWORD/,
    ],
    [
      'NATS has no TLS option',
      (_, __, n) => {
        delete mapAt(n, 'config')['nats'];
      },
      /TLS option/,
    ],
    [
      'Redis is reachable from every pod',
      (d) => d.splice(d.indexOf(get(d, 'NetworkPolicy', 'chatter-redis')), 1),
      /no NetworkPolicy restricts who reaches Redis/,
    ],
    [
      'NATS admits every source',
      (d) => {
        (listAt(get(d, 'NetworkPolicy', 'chatter-nats'), 'spec', 'ingress')[0] as YamlMap)['from'] =
          [];
      },
      /chatter-nats admits every source/,
    ],
    [
      'MongoDB has one member',
      (d) => {
        mapAt(get(d, 'MongoDBCommunity'), 'spec')['members'] = 1;
      },
      />= 3 members/,
    ],
    [
      'NATS_URL is not the chart release',
      (_, b) => {
        cm(b)['NATS_URL'] = 'nats://nats-cluster:4222';
      },
      /NATS_URL must be nats:\/\/nats:4222/,
    ],
    [
      'JetStream is on while nothing uses it',
      (_, __, n) => {
        mapAt(n, 'config', 'jetstream')['enabled'] = true;
      },
      /enables JetStream, which nothing in Chatter uses/,
    ],
    [
      'NATS is a single server',
      (_, __, n) => {
        mapAt(n, 'config', 'cluster')['enabled'] = false;
      },
      /cluster of >= 3/,
    ],
  ];
  it.each(dependencyMutations)('fails when %s', (_, mutate, expected) => {
    const deps = structuredClone(dependencies.objects);
    const baseObjects = clone();
    const nats = structuredClone(natsValues) as YamlMap;
    mutate(deps, baseObjects, nats);
    expect(problemsText(checkDependencies(deps, baseObjects, nats))).toMatch(expected);
  });

  describe('the build itself fails', () => {
    const withCopy = (edit: (k8s: string) => void): string[] => {
      const dir = mkdtempSync(path.join(tmpdir(), 'chatter-k8s-'));
      try {
        cpSync(path.join(root, 'k8s'), dir, { recursive: true });
        edit(dir);
        return buildKustomization(path.join(dir, 'overlays/production')).problems;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    it('when a listed resource is missing', () => {
      expect(problemsText(withCopy((d) => rmSync(path.join(d, 'base/pdb.yaml'))))).toMatch(
        /resource "pdb\.yaml" does not exist/,
      );
    });
    it('when a patch file is missing', () => {
      expect(
        problemsText(withCopy((d) => rmSync(path.join(d, 'overlays/production/hpa.yaml')))),
      ).toMatch(/patch "hpa\.yaml" does not exist/);
    });
    it('when a patch has no target', () => {
      const problems = withCopy((d) =>
        writeFileSync(
          path.join(d, 'overlays/production/pdb.yaml'),
          'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: chatter\nspec:\n  minAvailable: 2\n',
        ),
      );
      expect(problemsText(problems)).toMatch(
        /patch target PodDisruptionBudget\/chatter is not among the resources/,
      );
    });
    it('when a manifest has duplicate keys', () => {
      const problems = withCopy((d) =>
        writeFileSync(
          path.join(d, 'base/pdb.yaml'),
          `${readFileSync(path.join(d, 'base/pdb.yaml'), 'utf8')}  minAvailable: 2\n`,
        ),
      );
      expect(problemsText(problems)).toMatch(/unique/i);
    });
    it('when the kustomization uses a field the checker does not understand', () => {
      const problems = withCopy((d) =>
        writeFileSync(
          path.join(d, 'base/kustomization.yaml'),
          `${readFileSync(path.join(d, 'base/kustomization.yaml'), 'utf8')}configMapGenerator: []\n`,
        ),
      );
      expect(problemsText(problems)).toMatch(/field "configMapGenerator" is not understood/);
    });
  });
});

// -------------------------------------------------------------------------------- documentation

describe('cluster documentation', () => {
  it('the README section covers compose, Kubernetes, scaling and every dependency', () => {
    const text = read('deploy/README-cluster-section.md');
    for (const needle of [
      'docker compose up',
      'http://localhost:8080',
      'kubectl apply -k k8s/overlays/production',
      'k8s/README.md',
      'MongoDB',
      'Redis',
      'NATS',
      'JetStream',
      'api-3',
      'HorizontalPodAutoscaler',
      'JWT_SECRET',
      'SMS_WEBHOOK_URL',
      // Backups, credentials, TLS, NetworkPolicies and metrics, each with its own paragraph.
      '**Backups.**',
      'mongodump',
      '[docs/backup-restore.md](docs/backup-restore.md)',
      '**Credentials.**',
      '**TLS.**',
      '**NetworkPolicies.**',
      '**Metrics and alerts.**',
      'METRICS_PORT',
      'kubectl delete -k k8s/overlays/production',
    ]) {
      expect(text, needle).toContain(needle);
    }
    // The README carries this section verbatim.
    expect(read('README.md')).toContain(text.trim());
    // The runbook it links exists and restores with mongorestore.
    expect(read('docs/backup-restore.md')).toContain('mongorestore');
  });

  it('k8s/README.md gives the Helm commands for the operator and NATS, and the Secret the Deployment reads', () => {
    const text = read('k8s/README.md');
    for (const needle of [
      'helm repo add mongodb https://mongodb.github.io/helm-charts',
      'mongodb/mongodb-kubernetes',
      'helm repo add nats https://nats-io.github.io/k8s/helm/charts/',
      'nats/nats',
      'k8s/dependencies/nats-values.yaml',
      'kubectl apply -k k8s/dependencies',
      'create secret generic chatter-secrets',
      'NATS_URL',
      'MONGODB_URI',
      'REDIS_URL',
    ]) {
      expect(text, needle).toContain(needle);
    }
  });
});
