import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE } from './config-reference';
import { ConfigError } from './config-error';
import {
  buildCorsOptions,
  isOriginAllowed,
  isWebSocketOriginAllowed,
  parseCorsOrigins,
} from './cors';
import { JWT_SECRET_FILE, loadConfig, maskUrl, summarizeConfig } from './load-config';

const SECRET = 'x'.repeat(40);
const CLUSTER = {
  MONGODB_URI: 'mongodb://db1:27017,db2:27017/chatter?replicaSet=rs0',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
  JWT_SECRET: SECRET,
  SMS_WEBHOOK_URL: 'https://sms.example.com/send',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'chatter-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Loads with an isolated cwd and repo root so nothing touches the checkout. */
const load = (env: NodeJS.ProcessEnv) => loadConfig(env, { cwd: dir, repoRoot: dir });

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).not.toMatch(/[\r\n]/);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  it('boots embedded with no environment at all', () => {
    const config = load({});
    expect(config.mode).toBe('embedded');
    expect(config.nodeEnv).toBe('development');
    expect(config.http).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      trustProxy: false,
      webDist: undefined,
    });
    expect(config.log).toEqual({ level: 'info', format: 'pretty' });
    expect(config.dataDir).toBe(path.join(dir, 'data'));
    expect(config.store).toEqual({ kind: 'sqlite', cacheMiB: 16 });
    expect(config.bus).toBe('memory');
    expect(config.auth).toMatchObject({
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
      adminToken: undefined,
      appTokenAudience: 'chatter',
      appTokenRequireAudience: false,
    });
    expect(config.webhooks).toEqual({
      allowPrivateTargets: false,
      timeoutMs: 10_000,
      retryBaseMs: 1000,
      maxAttempts: 8,
      disableAfterFailures: 20,
      pollIntervalMs: 1000,
      historyDays: 7,
    });
    expect(config.sms).toEqual({
      sender: 'log',
      webhookUrl: undefined,
      webhookTimeoutMs: 5000,
      perTenantPerHour: 1000,
      perHour: 10000,
      invitesPerUserPerDay: 10,
      publicUrl: undefined,
    });
    expect(config.graphql).toEqual({
      playground: true,
      introspection: true,
      maxQueryDepth: 12,
      maxQueryComplexity: 12_000,
      maxAliases: 30,
      trustedDocuments: { enforced: false, manifestPath: undefined },
    });
    expect(config.ws).toEqual({
      maxPayloadBytes: 65536,
      maxBufferedBytes: 1048576,
      slowConsumerMs: 10000,
      maxSocketsPerIp: 1000,
      connectsPerIp: 600,
      maxSocketsPerUser: 50,
      maxSubscriptionsPerUser: 100,
    });
    expect(config.realtime).toEqual({
      replayLimit: 1000,
      presenceTtlMs: 30000,
      awayAfterMs: 300000,
      typingTtlMs: 6000,
    });
    expect(config.shutdownGraceMs).toBe(10000);
  });

  it('treats empty values as unset and reads explicit ones', () => {
    const config = load({
      PORT: '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'DEBUG',
      MAX_ALIASES: '0',
      SHUTDOWN_GRACE_MS: '0',
      WS_MAX_SOCKETS_PER_IP: '0',
      WS_CONNECTS_PER_IP: '0',
    });
    expect(config.http.port).toBe(3000);
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.log.level).toBe('debug');
    expect(config.graphql.maxAliases).toBe(0);
    expect(config.shutdownGraceMs).toBe(0);
    // 0 turns the per-address socket limits off.
    expect(config.ws).toMatchObject({ maxSocketsPerIp: 0, connectsPerIp: 0 });
  });

  it('reads how long an invite rings and how long an answered call outlives a party gone', () => {
    expect(load({}).calls).toMatchObject({ inviteTimeoutSeconds: 45, disconnectGraceSeconds: 60 });
    expect(
      load({ CALL_INVITE_TIMEOUT_SECONDS: '30', CALL_DISCONNECT_GRACE_SECONDS: '10' }).calls,
    ).toMatchObject({ inviteTimeoutSeconds: 30, disconnectGraceSeconds: 10 });
    expect(errorOf({ CALL_DISCONNECT_GRACE_SECONDS: '9' }).message).toBe(
      'Invalid configuration: CALL_DISCONNECT_GRACE_SECONDS must be an integer from 10 to 3600 (got "9")',
    );
  });

  it('returns a deeply frozen object', () => {
    const config = load({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http.cors.loopbackAnyPort)).toBe(true);
  });

  it('turns playground and introspection off, CORS to none and logs to JSON in production', () => {
    const config = load({ NODE_ENV: 'production', SMS_WEBHOOK_URL: 'https://sms.example.com/x' });
    expect(config.graphql.playground).toBe(false);
    expect(config.graphql.introspection).toBe(false);
    expect(config.http.cors).toEqual({ origins: [], loopbackAnyPort: [] });
    expect(config.log.format).toBe('json');
    const explicit = load({
      NODE_ENV: 'production',
      SMS_WEBHOOK_URL: 'https://s.example.com',
      PLAYGROUND: 'true',
      INTROSPECTION: '1',
    });
    expect(explicit.graphql).toMatchObject({ playground: true, introspection: true });
  });

  it('documents exactly the variables it reads', () => {
    const read = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get(_target, key) {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    });
    load(env);
    expect([...read].sort()).toEqual(CONFIG_REFERENCE.map((v) => v.name).sort());
    for (const v of CONFIG_REFERENCE) expect(v.description.length).toBeGreaterThan(10);
  });
});

describe('loadConfig one-line errors', () => {
  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be an integer from 1 to 65535 (got "abc")'],
    [
      { PORT: '70000' },
      'Invalid configuration: PORT must be an integer from 1 to 65535 (got "70000")',
    ],
    [{ PORT: '1e3' }, 'Invalid configuration: PORT must be an integer from 1 to 65535 (got "1e3")'],
    [
      { SQLITE_CACHE_MIB: '0' },
      'Invalid configuration: SQLITE_CACHE_MIB must be an integer from 1 to 4096 (got "0")',
    ],
    [
      { MAX_QUERY_DEPTH: '-1' },
      'Invalid configuration: MAX_QUERY_DEPTH must be an integer from 1 to 100 (got "-1")',
    ],
    [
      { WS_MAX_SOCKETS_PER_IP: '-5' },
      'Invalid configuration: WS_MAX_SOCKETS_PER_IP must be an integer from 0 to 1000000 (got "-5")',
    ],
    [
      { WS_CONNECTS_PER_IP: 'unlimited' },
      'Invalid configuration: WS_CONNECTS_PER_IP must be an integer from 0 to 1000000 (got "unlimited")',
    ],
    [
      { NODE_ENV: 'staging' },
      'Invalid configuration: NODE_ENV must be one of development, production, test (got "staging")',
    ],
    [
      { LOG_LEVEL: 'verbose' },
      'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
    ],
    [
      { BUS: 'kafka' },
      'Invalid configuration: BUS must be one of memory, nats, redis (got "kafka")',
    ],
    [
      { PLAYGROUND: 'yes please' },
      'Invalid configuration: PLAYGROUND must be true or false (got "yes please")',
    ],
    [
      { HOST: 'not a host' },
      'Invalid configuration: HOST must be an IP address or host name (got "not a host")',
    ],
    [
      { SMS_SENDER: 'carrier-pigeon' },
      'Invalid configuration: SMS_SENDER must be one of log, webhook (got "carrier-pigeon")',
    ],
    [
      { WEBHOOK_MAX_ATTEMPTS: '0' },
      'Invalid configuration: WEBHOOK_MAX_ATTEMPTS must be an integer from 1 to 20 (got "0")',
    ],
    [
      { WEBHOOK_DISABLE_AFTER_FAILURES: 'never' },
      'Invalid configuration: WEBHOOK_DISABLE_AFTER_FAILURES must be an integer from 1 to 10000 (got "never")',
    ],
    [
      { SMS_WEBHOOK_URL: 'ftp://x' },
      'Invalid configuration: SMS_WEBHOOK_URL must be an http(s) URL (got "ftp://x")',
    ],
    [
      { NATS_URL: 'http://nats:4222' },
      'Invalid configuration: NATS_URL must be a comma list of nats://host:port URLs (got "http://nats:4222")',
    ],
    [
      { TRUST_PROXY: '10.0.0.0/40' },
      'Invalid configuration: TRUST_PROXY must be true, false, a hop count, or a comma list of addresses/CIDRs (or loopback, linklocal, uniquelocal) (got "10.0.0.0/40")',
    ],
  ])('%o → %s', (env, message) => {
    expect(errorOf(env).message).toBe(message);
  });

  it('names the variable on the error', () => {
    expect(errorOf({ WS_SLOW_CONSUMER_MS: '5' }).variable).toBe('WS_SLOW_CONSUMER_MS');
  });

  it('escapes control characters so the message stays on one line', () => {
    expect(errorOf({ PORT: '80\n81' }).message).toBe(
      'Invalid configuration: PORT must be an integer from 1 to 65535 (got "80\\n81")',
    );
  });

  it.each(['JWT_SECRET', 'DEFAULT_TENANT_SECRET'])('masks a too short %s', (name) => {
    const message = errorOf({ [name]: 'hunter2-hunter2' }).message;
    expect(message).toBe(
      `Invalid configuration: ${name} must be at least 32 characters (got a 15-character value)`,
    );
    expect(message).not.toContain('hunter2');
  });

  it('masks a too short ADMIN_TOKEN', () => {
    const message = errorOf({ ADMIN_TOKEN: 'secret-admin' }).message;
    expect(message).toBe(
      'Invalid configuration: ADMIN_TOKEN must be at least 24 characters (got a 12-character value)',
    );
  });

  it('masks passwords and query values of rejected URLs', () => {
    const redis = errorOf({ REDIS_URL: 'http://user:s3cr3t@redis:6379' }).message;
    expect(redis).toBe(
      'Invalid configuration: REDIS_URL must be a Redis URL (redis://… or rediss://…) (got "http://user:***@redis:6379")',
    );
    const mongo = errorOf({ MONGODB_URI: 'postgres://u:pw@h/db?password=pw' }).message;
    expect(mongo).not.toContain('pw@');
    expect(mongo).not.toContain('=pw');
    expect(maskUrl('https://h/x?token=abc&b=1')).toBe('https://h/x?token=***&b=***');
  });

  it('refuses a DATA_DIR that is a file', () => {
    writeFileSync(path.join(dir, 'afile'), '');
    expect(errorOf({ DATA_DIR: 'afile' }).message).toBe(
      'Invalid configuration: DATA_DIR must be a directory (got "afile")',
    );
  });
});

describe('loadConfig bus, store and mode', () => {
  it('derives the bus from the URLs present', () => {
    expect(load({ NATS_URL: 'nats://a:4222', REDIS_URL: 'redis://r' }).bus).toBe('nats');
    expect(load({ REDIS_URL: 'redis://r:6379' }).bus).toBe('redis');
    expect(load({}).bus).toBe('memory');
    expect(load({ NATS_URL: 'nats://a:4222', BUS: 'memory' }).bus).toBe('memory');
  });

  it('accepts NATS server lists', () => {
    expect(load({ NATS_URL: 'nats://a:4222, tls://b:4222,c:4222' }).natsUrl).toBe(
      'nats://a:4222,tls://b:4222,c:4222',
    );
  });

  it('refuses BUS=nats without NATS_URL and BUS=redis without REDIS_URL', () => {
    expect(errorOf({ BUS: 'nats' }).message).toBe(
      'Invalid configuration: BUS=nats requires NATS_URL (e.g. nats://127.0.0.1:4222)',
    );
    expect(errorOf({ BUS: 'redis', NATS_URL: 'nats://a:1' }).message).toBe(
      'Invalid configuration: BUS=redis requires REDIS_URL (e.g. redis://127.0.0.1:6379)',
    );
  });

  it('refuses MONGODB_URI without REDIS_URL', () => {
    const error = errorOf({ ...CLUSTER, REDIS_URL: undefined });
    expect(error.variable).toBe('REDIS_URL');
    expect(error.message).toContain('MONGODB_URI requires REDIS_URL');
  });

  it('refuses BUS=memory with MONGODB_URI', () => {
    const error = errorOf({ ...CLUSTER, BUS: 'memory' });
    expect(error.variable).toBe('BUS');
    expect(error.message).toContain('BUS=memory cannot be used with MONGODB_URI');
  });

  it('requires JWT_SECRET with MONGODB_URI and generates nothing', () => {
    const error = errorOf({ ...CLUSTER, JWT_SECRET: undefined });
    expect(error.variable).toBe('JWT_SECRET');
    expect(error.message).toContain('JWT_SECRET is required when MONGODB_URI is set');
    expect(() => statSync(path.join(dir, 'data'))).toThrow();
  });

  it('builds a cluster configuration', () => {
    const config = load({ ...CLUSTER, NODE_ENV: 'production' });
    expect(config.mode).toBe('cluster');
    expect(config.store).toEqual({ kind: 'mongo', uri: CLUSTER.MONGODB_URI });
    expect(config.bus).toBe('nats');
    expect(config.auth).toMatchObject({ jwtSecret: SECRET, jwtSecretSource: 'env' });
    expect(config.sms.sender).toBe('webhook');
    // Redis alone is a valid shared bus too.
    expect(load({ ...CLUSTER, NATS_URL: undefined }).bus).toBe('redis');
  });

  it('summarizes without secrets', () => {
    const config = load({
      ...CLUSTER,
      REDIS_URL: 'redis://:pa55word@r:6379',
      ADMIN_TOKEN: 'a'.repeat(30),
    });
    const text = JSON.stringify(summarizeConfig(config));
    expect(text).not.toContain('pa55word');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('a'.repeat(30));
    expect(summarizeConfig(config)).toMatchObject({
      mode: 'cluster',
      adminMutations: 'enabled',
      jwtSecret: 'env',
    });
  });
});

describe('loadConfig SMS rules', () => {
  it('defaults to webhook when SMS_WEBHOOK_URL is set', () => {
    expect(load({ SMS_WEBHOOK_URL: 'http://sms:8080/send' }).sms).toEqual({
      sender: 'webhook',
      webhookUrl: 'http://sms:8080/send',
      webhookTimeoutMs: 5000,
      perTenantPerHour: 1000,
      perHour: 10000,
      invitesPerUserPerDay: 10,
      publicUrl: undefined,
    });
  });

  it('reads the SMS budgets and refuses values out of range', () => {
    expect(load({ SMS_PER_TENANT_PER_HOUR: '20', SMS_PER_HOUR: '100' }).sms).toMatchObject({
      perTenantPerHour: 20,
      perHour: 100,
    });
    expect(errorOf({ SMS_PER_HOUR: '0' }).variable).toBe('SMS_PER_HOUR');
    expect(errorOf({ SMS_PER_TENANT_PER_HOUR: 'lots' }).variable).toBe('SMS_PER_TENANT_PER_HOUR');
  });

  it('reads the invitation SMS limit: 10 a day by default, 0 turns invitations off', () => {
    expect(load({}).sms.invitesPerUserPerDay).toBe(10);
    expect(load({ INVITES_PER_USER_PER_DAY: '0' }).sms.invitesPerUserPerDay).toBe(0);
    expect(errorOf({ INVITES_PER_USER_PER_DAY: '-1' }).variable).toBe('INVITES_PER_USER_PER_DAY');
    expect(errorOf({ INVITES_PER_USER_PER_DAY: 'many' }).variable).toBe('INVITES_PER_USER_PER_DAY');
    expect(load({ PUBLIC_URL: 'https://chat.example.com/' }).sms.publicUrl).toBe(
      'https://chat.example.com/',
    );
    expect(errorOf({ PUBLIC_URL: 'javascript:alert(1)' }).variable).toBe('PUBLIC_URL');
  });

  it('reads the sign-in and send limits, with safe defaults, and refuses values out of range', () => {
    expect(load({}).limits).toEqual({
      loginCodesPerPhone: 5,
      loginCodesPerIp: 30,
      loginVerifiesPerIp: 60,
      sendsPerUser: 30,
      writesPerUser: 120,
    });
    expect(
      load({
        LOGIN_CODES_PER_PHONE: '3',
        LOGIN_CODES_PER_IP: '500',
        LOGIN_VERIFIES_PER_IP: '900',
        SENDS_PER_USER: '60',
        WRITES_PER_USER: '240',
      }).limits,
    ).toEqual({
      loginCodesPerPhone: 3,
      loginCodesPerIp: 500,
      loginVerifiesPerIp: 900,
      sendsPerUser: 60,
      writesPerUser: 240,
    });
    expect(errorOf({ LOGIN_CODES_PER_IP: '0' }).variable).toBe('LOGIN_CODES_PER_IP');
    expect(errorOf({ SENDS_PER_USER: 'many' }).variable).toBe('SENDS_PER_USER');
    expect(errorOf({ LOGIN_CODES_PER_PHONE: '5000' }).variable).toBe('LOGIN_CODES_PER_PHONE');
  });

  it('reads the app-token audience rules and the per-user socket caps', () => {
    const config = load({
      APP_TOKEN_AUDIENCE: 'https://chat.example.com',
      APP_TOKEN_REQUIRE_AUDIENCE: 'true',
      WS_MAX_SOCKETS_PER_USER: '0',
      WS_MAX_SUBSCRIPTIONS_PER_USER: '7',
    });
    expect(config.auth).toMatchObject({
      appTokenAudience: 'https://chat.example.com',
      appTokenRequireAudience: true,
    });
    expect(config.ws).toMatchObject({ maxSocketsPerUser: 0, maxSubscriptionsPerUser: 7 });
    expect(errorOf({ APP_TOKEN_AUDIENCE: 'two words' }).variable).toBe('APP_TOKEN_AUDIENCE');
    expect(errorOf({ WS_MAX_SUBSCRIPTIONS_PER_USER: '-1' }).variable).toBe(
      'WS_MAX_SUBSCRIPTIONS_PER_USER',
    );
  });

  it('holds OpenID Connect providers to public addresses, plus loopback outside production', () => {
    const prod = { NODE_ENV: 'production', ALLOW_LOG_SMS_IN_PRODUCTION: 'true' };
    expect(load({}).oidc.allowPrivateRanges).toEqual(['127.0.0.0/8', '::1/128']);
    expect(load(prod).oidc.allowPrivateRanges).toEqual([]);
    expect(load({ OIDC_ALLOW_PRIVATE_RANGES: 'none' }).oidc.allowPrivateRanges).toEqual([]);
    expect(
      load({ ...prod, OIDC_ALLOW_PRIVATE_RANGES: ' 10.20.0.0/16, fd00::/8 ' }).oidc
        .allowPrivateRanges,
    ).toEqual(['10.20.0.0/16', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', 'intranet', '10.0.0.0/8,'])
      expect(errorOf({ OIDC_ALLOW_PRIVATE_RANGES: bad }).variable).toBe(
        'OIDC_ALLOW_PRIVATE_RANGES',
      );
  });

  it('requires SMS_WEBHOOK_URL for SMS_SENDER=webhook', () => {
    expect(errorOf({ SMS_SENDER: 'webhook' }).message).toBe(
      'Invalid configuration: SMS_SENDER=webhook requires SMS_WEBHOOK_URL',
    );
  });

  it('refuses the log sender in production unless explicitly allowed', () => {
    const error = errorOf({ NODE_ENV: 'production' });
    expect(error.variable).toBe('SMS_SENDER');
    expect(error.message).toContain('SMS_SENDER=log is refused when NODE_ENV=production');
    expect(
      errorOf({ NODE_ENV: 'production', SMS_SENDER: 'log', SMS_WEBHOOK_URL: 'https://x.example' })
        .variable,
    ).toBe('SMS_SENDER');
    expect(load({ NODE_ENV: 'production', ALLOW_LOG_SMS_IN_PRODUCTION: 'true' }).sms.sender).toBe(
      'log',
    );
  });
});

describe('loadConfig JWT secret file', () => {
  it('generates a secret once, mode 0600, and reuses it', () => {
    const first = load({ DATA_DIR: 'state' });
    expect(first.auth.jwtSecretSource).toBe('generated');
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, 'state', JWT_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.jwtSecret);
    const second = load({ DATA_DIR: 'state' });
    expect(second.auth).toMatchObject({ jwtSecret: first.auth.jwtSecret, jwtSecretSource: 'file' });
  });

  it('prefers JWT_SECRET and then writes no file', () => {
    expect(load({ JWT_SECRET: SECRET }).auth.jwtSecretSource).toBe('env');
    expect(() => statSync(path.join(dir, 'data', JWT_SECRET_FILE))).toThrow();
  });

  it('refuses a secret file readable by others, or too short', () => {
    mkdirSync(path.join(dir, 'data'));
    const file = path.join(dir, 'data', JWT_SECRET_FILE);
    writeFileSync(file, SECRET, { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(errorOf({}).message).toBe(
      'Invalid configuration: ./data/jwt-secret must be readable by its owner only (chmod 600 it; got mode 0644)',
    );
    chmodSync(file, 0o600);
    writeFileSync(file, 'short');
    expect(errorOf({}).message).toBe(
      'Invalid configuration: ./data/jwt-secret must hold at least 32 characters (got a 5-character value)',
    );
  });

  it('explains a DATA_DIR it cannot create', () => {
    writeFileSync(path.join(dir, 'afile'), '');
    const error = errorOf({ DATA_DIR: 'afile/data' });
    expect(error.variable).toBe('DATA_DIR');
    expect(error.message).toBe(
      'Invalid configuration: DATA_DIR must be a writable directory to keep the generated JWT secret, or set JWT_SECRET (got "afile/data": ENOTDIR)',
    );
  });
});

describe('loadConfig paths and proxies', () => {
  it('serves the default web build only when it exists', () => {
    expect(load({}).http.webDist).toBeUndefined();
    mkdirSync(path.join(dir, 'apps/web/dist'), { recursive: true });
    writeFileSync(path.join(dir, 'apps/web/dist/index.html'), '<html></html>');
    expect(load({}).http.webDist).toBe(path.join(dir, 'apps/web/dist'));
  });

  it('requires an explicit WEB_DIST to hold index.html', () => {
    expect(errorOf({ WEB_DIST: 'nowhere' }).message).toBe(
      'Invalid configuration: WEB_DIST must be a directory containing index.html (got "nowhere")',
    );
    mkdirSync(path.join(dir, 'web'));
    writeFileSync(path.join(dir, 'web/index.html'), '');
    expect(load({ WEB_DIST: 'web' }).http.webDist).toBe(path.join(dir, 'web'));
  });

  it('finds the manifest built with the API, off by default; on or a path enforces it', () => {
    expect(load({}).graphql.trustedDocuments).toEqual({ enforced: false, manifestPath: undefined });
    expect(errorOf({ TRUSTED_DOCUMENTS: 'on' }).message).toMatch(
      /^Invalid configuration: TRUSTED_DOCUMENTS must be off, on \(with a built manifest: dist\/api\/persisted-documents.json\) or a path/,
    );
    const source = path.join(dir, 'libs/client/src/generated/persisted-documents.json');
    mkdirSync(path.dirname(source), { recursive: true });
    writeFileSync(source, '{}');
    expect(load({}).graphql.trustedDocuments).toEqual({ enforced: false, manifestPath: source });
    const built = path.join(dir, 'dist/api/persisted-documents.json');
    mkdirSync(path.dirname(built), { recursive: true });
    writeFileSync(built, '{}');
    // The copy beside the built API wins: it is what the built web app was made with.
    expect(load({ TRUSTED_DOCUMENTS: 'ON' }).graphql.trustedDocuments).toEqual({
      enforced: true,
      manifestPath: built,
    });
    expect(load({ TRUSTED_DOCUMENTS: 'off' }).graphql.trustedDocuments.enforced).toBe(false);
    writeFileSync(path.join(dir, 'mine.json'), '{}');
    expect(load({ TRUSTED_DOCUMENTS: 'mine.json' }).graphql.trustedDocuments).toEqual({
      enforced: true,
      manifestPath: path.join(dir, 'mine.json'),
    });
    expect(errorOf({ TRUSTED_DOCUMENTS: 'missing.json' }).message).toBe(
      'Invalid configuration: TRUSTED_DOCUMENTS must be off, on, or the path of a persisted-documents manifest (JSON) (got "missing.json")',
    );
    expect(summarizeConfig(load({ TRUSTED_DOCUMENTS: 'on' }))['trustedDocuments']).toBe('enforced');
  });

  it.each([
    ['true', true],
    ['FALSE', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8, ::1', ['loopback', '10.0.0.0/8', '::1']],
  ])('TRUST_PROXY=%s', (raw, expected) => {
    expect(load({ TRUST_PROXY: raw }).http.trustProxy).toEqual(expected);
  });
});

describe('CORS policy', () => {
  it('allows loopback dev servers by default outside production, nothing else', () => {
    const { cors } = load({}).http;
    expect(isOriginAllowed('http://localhost:5173', cors)).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:4200', cors)).toBe(true);
    expect(isOriginAllowed('http://[::1]:3000', cors)).toBe(true);
    expect(isOriginAllowed('https://localhost:5173', cors)).toBe(false);
    expect(isOriginAllowed('http://localhost.evil.com:5173', cors)).toBe(false);
    expect(isOriginAllowed('https://evil.example', cors)).toBe(false);
    expect(isOriginAllowed('null', cors)).toBe(false);
  });

  it('parses an explicit list strictly', () => {
    const policy = load({
      CORS_ORIGINS: 'https://Chat.Example.com, https://app.example.com:443 ,http://localhost:*',
    }).http.cors;
    expect(policy).toEqual({
      origins: ['https://chat.example.com', 'https://app.example.com'],
      loopbackAnyPort: ['http'],
    });
    expect(isOriginAllowed('https://chat.example.com', policy)).toBe(true);
    expect(isOriginAllowed('https://app.example.com', policy)).toBe(true);
    expect(isOriginAllowed('http://chat.example.com', policy)).toBe(false);
    expect(isOriginAllowed('https://chat.example.com:8443', policy)).toBe(false);
    expect(load({ CORS_ORIGINS: 'none' }).http.cors).toEqual({ origins: [], loopbackAnyPort: [] });
  });

  it.each([
    ['*', '"*" is not allowed, list the origins'],
    ['https://a.example, none', '"none" must stand alone'],
    ['https://*.example.com', '"https://*.example.com" is not an origin'],
    ['https://example.com/app', '"https://example.com/app" is not an origin'],
    [
      'https://example.com:*',
      '"https://example.com:*": a * port is only allowed for localhost, 127.0.0.1 and [::1]',
    ],
    ['example.com', '"example.com" is not an origin'],
  ])('refuses CORS_ORIGINS=%s', (raw, reason) => {
    expect(parseCorsOrigins(raw)).toEqual({ error: reason });
    expect(errorOf({ CORS_ORIGINS: raw }).variable).toBe('CORS_ORIGINS');
  });

  it('checks WebSocket origins against the Host header, then the policy', () => {
    const { cors } = load({ NODE_ENV: 'production', SMS_WEBHOOK_URL: 'https://s.example' }).http;
    expect(isWebSocketOriginAllowed(undefined, 'chat.example.com', cors)).toBe(true);
    expect(isWebSocketOriginAllowed('https://chat.example.com', 'chat.example.com', cors)).toBe(
      true,
    );
    expect(isWebSocketOriginAllowed('https://evil.example', 'chat.example.com', cors)).toBe(false);
    expect(isWebSocketOriginAllowed('http://localhost:5173', 'chat.example.com', cors)).toBe(false);
  });

  it('builds cors options that never reflect a refused origin', () => {
    const options = buildCorsOptions(load({}));
    const decide = (origin: string | undefined) =>
      new Promise<boolean | undefined>((resolve) =>
        (
          options.origin as (
            o: string | undefined,
            cb: (e: Error | null, allow?: boolean) => void,
          ) => void
        )(origin, (_e, allow) => resolve(allow)),
      );
    return Promise.all([
      decide('http://localhost:5173'),
      decide('https://evil.example'),
      decide(undefined),
    ]).then((results) => expect(results).toEqual([true, false, false]));
  });
});

describe('file storage', () => {
  it('keeps files on disk under DATA_DIR/files by default, with a 50 MiB upload cap', () => {
    const config = load({});
    expect(config.files.storage).toEqual({ kind: 'disk', dir: path.join(dir, 'data', 'files') });
    expect(config.files.uploadMaxBytes).toBe(50 * 1024 * 1024);
    expect(config.files.userQuotaBytes).toBe(1024 * 1024 * 1024);
    expect(config.files.tenantQuotaBytes).toBe(0);
  });

  it('switches to S3 with S3_BUCKET, and refuses uploads in a cluster without it', () => {
    const config = load({
      S3_BUCKET: 'chatter-files',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.files.storage).toMatchObject({
      kind: 's3',
      bucket: 'chatter-files',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
    });
    expect(summarizeConfig(config)['files']).toBe('s3 chatter-files at http://127.0.0.1:9000');
    expect(load(CLUSTER).files.storage).toBeNull();
  });

  it.each([
    [{ S3_BUCKET: 'UPPER' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'ab' }, 'S3_BUCKET'],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'chatter', S3_ACCESS_KEY_ID: 'key' }, 'S3_SECRET_ACCESS_KEY'],
    [{ S3_BUCKET: 'chatter', S3_ENDPOINT: 'ftp://x' }, 'S3_ENDPOINT'],
    [{ UPLOAD_MAX_BYTES: '0' }, 'UPLOAD_MAX_BYTES'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => load(env)).toThrow(ConfigError);
    try {
      load(env);
    } catch (error) {
      expect((error as ConfigError).message).toContain(variable);
    }
  });
});
