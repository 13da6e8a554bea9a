import { createECDH, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import {
  AppConfig,
  BUS_KINDS,
  BusKind,
  CorsPolicy,
  LOG_FORMATS,
  LOG_LEVELS,
  NODE_ENVS,
  READINESS_CHECK_NAMES,
  SMS_SENDERS,
  TrustProxy,
} from './app-config';
import { addressRanges, allowedTargets } from '@chatter/core';
import { ConfigError } from './config-error';
import { defaultCorsPolicy, parseCorsOrigins } from './cors';
import { findRepoRoot } from './repo-root';
import { parseCidr } from '../outbound/outbound-address-policy';

/**
 * Where the web app's persisted-documents manifest is found, from the repository (or image)
 * root: copied beside the built API, else the generated one in the sources.
 */
export const BUNDLED_MANIFESTS = [
  'dist/api/persisted-documents.json',
  'libs/client/src/generated/persisted-documents.json',
] as const;

/** Name of the generated JWT secret file inside DATA_DIR. */
export const JWT_SECRET_FILE = 'jwt-secret';

export interface LoadConfigOptions {
  /** Base for relative paths (DATA_DIR, WEB_DIST); defaults to the working directory. */
  readonly cwd?: string;
  /** Where the default WEB_DIST (`apps/web/dist`) is resolved from; defaults to the repo root. */
  readonly repoRoot?: string;
}

/**
 * Validates the environment into an {@link AppConfig}. Throws {@link ConfigError} (one line,
 * secrets masked) at the first bad variable or refused combination. Side effect, embedded mode
 * only: without JWT_SECRET, a random secret is created once in DATA_DIR/jwt-secret (mode 0600).
 */
/** Disappearing-message timers when DISAPPEARING_TIMERS_SECONDS is unset: 1 h, 1 d, 7 d, 90 d. */
export const DEFAULT_DISAPPEARING_TIMERS = [3_600, 86_400, 604_800, 7_776_000];

/** Report reasons when REPORT_REASONS is unset. */
export const DEFAULT_REPORT_REASONS = [
  'spam',
  'harassment',
  'hate',
  'violence',
  'impersonation',
  'other',
];

export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): AppConfig {
  const cwd = options.cwd ?? process.cwd();
  const read = new EnvReader(env);

  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const isProduction = nodeEnv === 'production';
  const port = read.int('PORT', 3000, 1, 65_535);
  const host = read.host('HOST', '0.0.0.0');
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const logFormat = read.oneOf(
    'LOG_FORMAT',
    LOG_FORMATS,
    nodeEnv === 'development' ? 'pretty' : 'json',
  );
  const dataDir = read.directory('DATA_DIR', './data', cwd);
  const sqliteCacheMiB = read.int('SQLITE_CACHE_MIB', 16, 1, 4096);

  const mongodbUri = read.url(
    'MONGODB_URI',
    ['mongodb:', 'mongodb+srv:'],
    'a MongoDB URI (mongodb://… or mongodb+srv://…)',
  );
  const natsUrl = read.natsServers('NATS_URL');
  const natsUser = read.raw('NATS_USER');
  const natsPassword = read.raw('NATS_PASSWORD');
  const natsTls = read.bool(
    'NATS_TLS',
    natsUrl?.split(',').some((s) => s.trim().startsWith('tls://')) ?? false,
  );
  const natsTlsCaFile = read.file('NATS_TLS_CA', cwd);
  const redisUrl = read.url(
    'REDIS_URL',
    ['redis:', 'rediss:'],
    'a Redis URL (redis://… or rediss://…)',
  );
  const bus = read.oneOf<BusKind>(
    'BUS',
    BUS_KINDS,
    natsUrl ? 'nats' : redisUrl ? 'redis' : 'memory',
  );

  const jwtSecretEnv = read.secret('JWT_SECRET', 32);
  const accessTokenTtlSeconds = read.int('ACCESS_TOKEN_TTL_SECONDS', 900, 1, 86_400);
  const refreshTokenTtlDays = read.int('REFRESH_TOKEN_TTL_DAYS', 30, 1, 365);
  const adminToken = read.secret('ADMIN_TOKEN', 24);
  const defaultTenantSecret = read.secret('DEFAULT_TENANT_SECRET', 32);
  const appTokenAudience = read.audience('APP_TOKEN_AUDIENCE', 'chatter');
  const appTokenRequireAudience = read.bool('APP_TOKEN_REQUIRE_AUDIENCE', false);

  const smsWebhookUrl = read.url('SMS_WEBHOOK_URL', ['http:', 'https:'], 'an http(s) URL');
  const smsSender = read.oneOf('SMS_SENDER', SMS_SENDERS, smsWebhookUrl ? 'webhook' : 'log');
  const smsWebhookTimeoutMs = read.int('SMS_WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000);
  const smsPerTenantPerHour = read.int('SMS_PER_TENANT_PER_HOUR', 1000, 1, 10_000_000);
  const smsPerHour = read.int('SMS_PER_HOUR', 10_000, 1, 100_000_000);
  const invitesPerUserPerDay = read.int('INVITES_PER_USER_PER_DAY', 10, 0, 10_000);
  const publicUrl = read.url('PUBLIC_URL', ['http:', 'https:'], 'an http(s) URL');
  const allowLogSmsInProduction = read.bool('ALLOW_LOG_SMS_IN_PRODUCTION', false);
  const webhookAllowPrivateTargets = read.bool('WEBHOOK_ALLOW_PRIVATE_TARGETS', false);
  const webhookTimeoutMs = read.int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000);
  const webhookRetryBaseMs = read.int('WEBHOOK_RETRY_BASE_MS', 1000, 10, 600_000);
  const webhookMaxAttempts = read.int('WEBHOOK_MAX_ATTEMPTS', 8, 1, 20);
  const webhookDisableAfterFailures = read.int('WEBHOOK_DISABLE_AFTER_FAILURES', 20, 1, 10_000);
  const webhookPollIntervalMs = read.int('WEBHOOK_POLL_INTERVAL_MS', 1000, 20, 60_000);
  const webhookHistoryDays = read.int('WEBHOOK_HISTORY_DAYS', 7, 1, 365);
  const linkPreviews = read.oneOf('LINK_PREVIEWS', ['on', 'off'] as const, 'on');
  const linkPreviewAllowRanges = read.cidrs('LINK_PREVIEW_ALLOW_RANGES');
  const linkPreviewTimeoutMs = read.int('LINK_PREVIEW_TIMEOUT_MS', 5000, 100, 30_000);

  const playground = read.bool('PLAYGROUND', !isProduction);
  const introspection = read.bool('INTROSPECTION', !isProduction);
  const cors = read.cors('CORS_ORIGINS', defaultCorsPolicy(isProduction));
  const wsMaxPayloadBytes = read.int('WS_MAX_PAYLOAD_BYTES', 65_536, 1024, 16 * 1024 * 1024);
  const wsMaxBufferedBytes = read.int(
    'WS_MAX_BUFFERED_BYTES',
    1_048_576,
    16_384,
    256 * 1024 * 1024,
  );
  const wsSlowConsumerMs = read.int('WS_SLOW_CONSUMER_MS', 10_000, 100, 600_000);
  const wsMaxSocketsPerIp = read.int('WS_MAX_SOCKETS_PER_IP', 1000, 0, 1_000_000);
  const wsConnectsPerIp = read.int('WS_CONNECTS_PER_IP', 600, 0, 1_000_000);
  const wsMaxSocketsPerUser = read.int('WS_MAX_SOCKETS_PER_USER', 50, 0, 1_000_000);
  const wsMaxSubscriptionsPerUser = read.int('WS_MAX_SUBSCRIPTIONS_PER_USER', 100, 0, 1_000_000);
  const maxQueryDepth = read.int('MAX_QUERY_DEPTH', 12, 1, 100);
  const maxQueryComplexity = read.int('MAX_QUERY_COMPLEXITY', 12_000, 1, 1_000_000);
  const maxAliases = read.int('MAX_ALIASES', 30, 0, 1000);
  const trustedDocuments = read.trustedDocuments(
    'TRUSTED_DOCUMENTS',
    cwd,
    options.repoRoot ?? findRepoRoot(),
  );
  const replayLimit = read.int('REPLAY_LIMIT', 1000, 1, 100_000);
  const presenceTtlMs = read.int('PRESENCE_TTL_MS', 30_000, 100, 3_600_000);
  const awayAfterMs = read.int('AWAY_AFTER_MS', 300_000, 100, 86_400_000);
  const typingTtlMs = read.int('TYPING_TTL_MS', 6000, 100, 600_000);
  const loginCodesPerPhone = read.int('LOGIN_CODES_PER_PHONE', 5, 1, 1000);
  const loginCodesPerIp = read.int('LOGIN_CODES_PER_IP', 30, 1, 1_000_000);
  const loginVerifiesPerIp = read.int('LOGIN_VERIFIES_PER_IP', 60, 1, 1_000_000);
  const sendsPerUser = read.int('SENDS_PER_USER', 30, 1, 100_000);
  const writesPerUser = read.int('WRITES_PER_USER', 120, 1, 100_000);
  const shutdownGraceMs = read.int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000);
  const keepAliveTimeoutMs = read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 1000, 3_600_000);
  const metricsPort = read.int('METRICS_PORT', 0, 0, 65_535) || undefined;
  const readinessRequires = read.list('READINESS_REQUIRES', READINESS_CHECK_NAMES);
  const stallReportRaw = read.raw('STALL_REPORT_DIR');
  const stallReportDir = stallReportRaw ? path.resolve(cwd, stallReportRaw) : undefined;
  const stallThresholdMs = read.int('STALL_THRESHOLD_MS', 20, 1, 60_000);
  const s3Bucket = read.bucket('S3_BUCKET');
  const s3Endpoint = read.url('S3_ENDPOINT', ['http:', 'https:'], 'an http(s) URL');
  const s3Region = read.audience('S3_REGION', 'us-east-1');
  const s3AccessKeyId = read.secret('S3_ACCESS_KEY_ID', 1);
  const s3SecretAccessKey = read.secret('S3_SECRET_ACCESS_KEY', 1);
  const uploadMaxBytes = read.int('UPLOAD_MAX_BYTES', 50 * 1024 * 1024, 1, 2_147_483_647);
  const userQuotaMiB = read.int('UPLOAD_USER_QUOTA_MIB', 1024, 0, 100_000_000);
  const tenantQuotaMiB = read.int('UPLOAD_TENANT_QUOTA_MIB', 0, 0, 1_000_000_000);
  const fileLinkTtlSeconds = read.int('FILE_LINK_TTL_SECONDS', 300, 1, 3600);
  const unsentUploadTtlSeconds = read.int('UPLOAD_UNSENT_TTL_SECONDS', 86_400, 1, 31_536_000);
  const deleteGraceSeconds = read.int('ATTACHMENT_DELETE_GRACE_SECONDS', 86_400, 0, 31_536_000);
  const sweepIntervalSeconds = read.int('ATTACHMENT_SWEEP_INTERVAL_SECONDS', 60, 1, 86_400);
  const callInviteTimeoutSeconds = read.int('CALL_INVITE_TIMEOUT_SECONDS', 45, 5, 600);
  const callDisconnectGraceSeconds = read.int('CALL_DISCONNECT_GRACE_SECONDS', 60, 10, 3600);
  const stunUris = read.iceUris('STUN_URIS', ['stun:', 'stuns:']);
  const turnUris = read.iceUris('TURN_URIS', ['turn:', 'turns:']);
  const turnSecret = read.secret('TURN_SECRET', 16);
  const turnTtlSeconds = read.int('TURN_TTL_SECONDS', 86_400, 60, 604_800);
  const vapidPublicKey = read.raw('VAPID_PUBLIC_KEY');
  const vapidPrivateKey = read.secret('VAPID_PRIVATE_KEY', 40);
  const vapidSubject = read.raw('VAPID_SUBJECT');
  if (
    vapidSubject !== undefined &&
    !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^\s/]+\S*)$/.test(vapidSubject)
  )
    read.fail('VAPID_SUBJECT', 'a mailto: address or an https: URL', vapidSubject);
  const notifyDelaySeconds = read.int('NOTIFY_DELAY_SECONDS', 60, 0, 3600);
  const pushAllowHttp = read.bool('PUSH_ALLOW_HTTP_ENDPOINTS', false);
  const pushTimeoutMs = read.int('PUSH_TIMEOUT_MS', 10_000, 100, 60_000);
  const pushAllowPrivateRanges = read.addressRanges('PUSH_ALLOW_PRIVATE_RANGES');
  // Tenant owners name their OpenID Connect provider: the server's requests to it reach public
  // addresses, and private ones only in these ranges; loopback by default outside production
  // (a provider on the developer's machine), none by default in production.
  const oidcRanges = read.raw('OIDC_ALLOW_PRIVATE_RANGES');
  const oidcAllowPrivateRanges =
    oidcRanges === undefined
      ? isProduction
        ? []
        : ['127.0.0.0/8', '::1/128']
      : oidcRanges.toLowerCase() === 'none'
        ? []
        : read.addressRanges('OIDC_ALLOW_PRIVATE_RANGES');
  // Opt-in: the NATS servers must have JetStream enabled (the shipped deployments run core NATS).
  const notifyQueue = read.oneOf('NOTIFY_QUEUE', ['memory', 'nats', 'redis'] as const, 'memory');
  const pushGatewayUrl = read.url('PUSH_GATEWAY_URL', ['http:', 'https:'], 'an http(s) URL');
  const notifyAckWaitMs = read.int('NOTIFY_QUEUE_ACK_WAIT_MS', 30_000, 1000, 600_000);
  const smtpUrl = read.url(
    'SMTP_URL',
    ['smtp:', 'smtps:'],
    'an SMTP URL (smtp://user:pass@host:587)',
  );
  const smtpFrom = read.raw('SMTP_FROM');
  if (
    smtpFrom !== undefined &&
    (smtpFrom.length > 320 || /[\r\n]/.test(smtpFrom) || !/@/.test(smtpFrom))
  )
    read.fail('SMTP_FROM', 'a sender address such as "Chatter <chat@example.com>"', smtpFrom);
  const emailDigestDelaySeconds = read.int('EMAIL_DIGEST_DELAY_SECONDS', 900, 1, 86_400);
  const emailLinkBaseUrl = read.url('EMAIL_LINK_BASE_URL', ['http:', 'https:'], 'an http(s) URL');
  const reportReasons = read.slugs('REPORT_REASONS', DEFAULT_REPORT_REASONS, 20);
  const scheduledPerUser = read.int('SCHEDULED_MESSAGES_PER_USER', 100, 1, 10_000);
  const schedulerIntervalMs = read.int('SCHEDULER_INTERVAL_MS', 1000, 100, 60_000);
  const disappearingTimers = read.ints(
    'DISAPPEARING_TIMERS_SECONDS',
    DEFAULT_DISAPPEARING_TIMERS,
    1,
    365 * 86_400,
    10,
  );
  const retentionSweepIntervalSeconds = read.int(
    'RETENTION_SWEEP_INTERVAL_SECONDS',
    3600,
    1,
    86_400,
  );
  const retentionSweepBatch = read.int('RETENTION_SWEEP_BATCH', 1000, 1, 100_000);
  const trustProxy = read.trustProxy('TRUST_PROXY');
  const webDist = read.webDist('WEB_DIST', cwd, options.repoRoot ?? findRepoRoot());

  // Combinations that would let several instances silently diverge, or that cannot work.
  if (bus === 'nats' && !natsUrl) {
    throw new ConfigError('BUS', 'BUS=nats requires NATS_URL (e.g. nats://127.0.0.1:4222)');
  }
  if (bus === 'redis' && !redisUrl) {
    throw new ConfigError('BUS', 'BUS=redis requires REDIS_URL (e.g. redis://127.0.0.1:6379)');
  }
  if (metricsPort === port) {
    throw new ConfigError('METRICS_PORT', `METRICS_PORT must differ from PORT (${port})`);
  }
  if ((natsUser === undefined) !== (natsPassword === undefined)) {
    throw new ConfigError(
      natsUser === undefined ? 'NATS_USER' : 'NATS_PASSWORD',
      'NATS_USER and NATS_PASSWORD are set together or not at all',
    );
  }
  if (mongodbUri && !redisUrl) {
    throw new ConfigError(
      'REDIS_URL',
      'MONGODB_URI requires REDIS_URL: presence, rate limits and login-code attempts must be shared by every instance',
    );
  }
  if (mongodbUri && bus === 'memory') {
    throw new ConfigError(
      'BUS',
      "BUS=memory cannot be used with MONGODB_URI: instances sharing the store would miss each other's events (use BUS=nats with NATS_URL, or BUS=redis)",
    );
  }
  if (mongodbUri && !jwtSecretEnv) {
    throw new ConfigError(
      'JWT_SECRET',
      'JWT_SECRET is required when MONGODB_URI is set (every instance must share it; at least 32 random characters)',
    );
  }
  if ((s3Endpoint || s3AccessKeyId || s3SecretAccessKey) && !s3Bucket) {
    throw new ConfigError('S3_BUCKET', 'S3_ENDPOINT and S3 credentials require S3_BUCKET');
  }
  if (!s3AccessKeyId !== !s3SecretAccessKey) {
    throw new ConfigError(
      s3AccessKeyId ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID',
      'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or leave both unset for the default AWS credential chain)',
    );
  }
  if (turnUris.length > 0 !== (turnSecret !== undefined)) {
    throw new ConfigError(
      turnUris.length > 0 ? 'TURN_SECRET' : 'TURN_URIS',
      "TURN_URIS and TURN_SECRET go together (the secret is the TURN server's static-auth-secret)",
    );
  }
  if (smsSender === 'webhook' && !smsWebhookUrl) {
    throw new ConfigError('SMS_WEBHOOK_URL', 'SMS_SENDER=webhook requires SMS_WEBHOOK_URL');
  }
  if (isProduction && smsSender === 'log' && !allowLogSmsInProduction) {
    throw new ConfigError(
      'SMS_SENDER',
      'SMS_SENDER=log is refused when NODE_ENV=production (login codes would only reach the server log); set SMS_WEBHOOK_URL, or ALLOW_LOG_SMS_IN_PRODUCTION=true to accept it',
    );
  }

  if ((vapidPublicKey === undefined) !== (vapidPrivateKey === undefined)) {
    throw new ConfigError(
      vapidPublicKey === undefined ? 'VAPID_PUBLIC_KEY' : 'VAPID_PRIVATE_KEY',
      'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all',
    );
  }
  if (vapidPublicKey !== undefined && !isVapidPair(vapidPublicKey, vapidPrivateKey ?? '')) {
    throw new ConfigError(
      'VAPID_PUBLIC_KEY',
      'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be one P-256 key pair, base64url (65 and 32 bytes; npx web-push generate-vapid-keys)',
    );
  }
  const gatewayHost = pushGatewayUrl
    ? new URL(pushGatewayUrl).hostname.replace(/^\[|\]$/g, '')
    : '';
  if (isIP(gatewayHost) && !allowedTargets(pushAllowPrivateRanges)(gatewayHost)) {
    throw new ConfigError(
      'PUSH_GATEWAY_URL',
      'PUSH_GATEWAY_URL names a private or loopback address (allow its range in PUSH_ALLOW_PRIVATE_RANGES)',
    );
  }
  if (pushAllowHttp && isProduction) {
    throw new ConfigError(
      'PUSH_ALLOW_HTTP_ENDPOINTS',
      'PUSH_ALLOW_HTTP_ENDPOINTS=true is refused when NODE_ENV=production (push services use https)',
    );
  }
  if (smtpUrl !== undefined && publicUrl === undefined && emailLinkBaseUrl === undefined) {
    throw new ConfigError(
      'SMTP_URL',
      'SMTP_URL needs PUBLIC_URL or EMAIL_LINK_BASE_URL: digests carry an unsubscribe link to the API',
    );
  }
  if (notifyQueue === 'nats' && !natsUrl) {
    throw new ConfigError('NOTIFY_QUEUE', 'NOTIFY_QUEUE=nats requires NATS_URL');
  }
  if (notifyQueue === 'redis' && !redisUrl) {
    throw new ConfigError('NOTIFY_QUEUE', 'NOTIFY_QUEUE=redis requires REDIS_URL');
  }

  // Side effects last: a refused configuration leaves nothing behind.
  const jwt = jwtSecretEnv
    ? { secret: jwtSecretEnv, source: 'env' as const }
    : readOrCreateJwtSecret(dataDir, read.raw('DATA_DIR') ?? './data');

  const config: AppConfig = {
    nodeEnv,
    isProduction,
    mode: mongodbUri ? 'cluster' : 'embedded',
    http: { port, host, trustProxy, cors, webDist, keepAliveTimeoutMs, metricsPort },
    readinessRequires,
    diagnostics: { stallReportDir, stallThresholdMs },
    log: { level: logLevel, format: logFormat },
    dataDir,
    store: mongodbUri
      ? { kind: 'mongo', uri: mongodbUri }
      : { kind: 'sqlite', cacheMiB: sqliteCacheMiB },
    bus,
    natsUrl,
    nats: { user: natsUser, password: natsPassword, tls: natsTls, tlsCaFile: natsTlsCaFile },
    redisUrl,
    auth: {
      jwtSecret: jwt.secret,
      jwtSecretSource: jwt.source,
      accessTokenTtlSeconds,
      refreshTokenTtlDays,
      adminToken,
      defaultTenantSecret,
      appTokenAudience,
      appTokenRequireAudience,
    },
    sms: {
      sender: smsSender,
      webhookUrl: smsWebhookUrl,
      webhookTimeoutMs: smsWebhookTimeoutMs,
      perTenantPerHour: smsPerTenantPerHour,
      perHour: smsPerHour,
      invitesPerUserPerDay,
      publicUrl,
    },
    webhooks: {
      allowPrivateTargets: webhookAllowPrivateTargets,
      timeoutMs: webhookTimeoutMs,
      retryBaseMs: webhookRetryBaseMs,
      maxAttempts: webhookMaxAttempts,
      disableAfterFailures: webhookDisableAfterFailures,
      pollIntervalMs: webhookPollIntervalMs,
      historyDays: webhookHistoryDays,
    },
    linkPreviews: {
      enabled: linkPreviews === 'on',
      allowRanges: linkPreviewAllowRanges,
      timeoutMs: linkPreviewTimeoutMs,
    },
    graphql: {
      playground,
      introspection,
      maxQueryDepth,
      maxQueryComplexity,
      maxAliases,
      trustedDocuments,
    },
    ws: {
      maxPayloadBytes: wsMaxPayloadBytes,
      maxBufferedBytes: wsMaxBufferedBytes,
      slowConsumerMs: wsSlowConsumerMs,
      maxSocketsPerIp: wsMaxSocketsPerIp,
      connectsPerIp: wsConnectsPerIp,
      maxSocketsPerUser: wsMaxSocketsPerUser,
      maxSubscriptionsPerUser: wsMaxSubscriptionsPerUser,
    },
    realtime: { replayLimit, presenceTtlMs, awayAfterMs, typingTtlMs },
    limits: {
      loginCodesPerPhone,
      loginCodesPerIp,
      loginVerifiesPerIp,
      sendsPerUser,
      writesPerUser,
    },
    files: {
      storage: s3Bucket
        ? {
            kind: 's3',
            bucket: s3Bucket,
            region: s3Region,
            endpoint: s3Endpoint,
            accessKeyId: s3AccessKeyId,
            secretAccessKey: s3SecretAccessKey,
          }
        : mongodbUri
          ? null
          : { kind: 'disk', dir: path.join(dataDir, 'files') },
      uploadMaxBytes,
      userQuotaBytes: userQuotaMiB * 1024 * 1024,
      tenantQuotaBytes: tenantQuotaMiB * 1024 * 1024,
      linkTtlSeconds: fileLinkTtlSeconds,
      unsentUploadTtlSeconds,
      deleteGraceSeconds,
      sweepIntervalSeconds,
    },
    calls: {
      inviteTimeoutSeconds: callInviteTimeoutSeconds,
      disconnectGraceSeconds: callDisconnectGraceSeconds,
      stunUris,
      turnUris,
      turnSecret,
      turnTtlSeconds,
    },
    oidc: { allowPrivateRanges: oidcAllowPrivateRanges },
    notifications: {
      vapid:
        vapidPublicKey !== undefined && vapidPrivateKey !== undefined
          ? { source: 'env', publicKey: vapidPublicKey, privateKey: vapidPrivateKey }
          : mongodbUri
            ? null
            : { source: 'data-dir' },
      vapidSubject: vapidSubject ?? 'mailto:postmaster@localhost',
      delaySeconds: notifyDelaySeconds,
      allowHttpEndpoints: pushAllowHttp,
      allowPrivateRanges: pushAllowPrivateRanges,
      pushTimeoutMs,
      queue: notifyQueue,
      queueAckWaitMs: notifyAckWaitMs,
      gatewayUrl: pushGatewayUrl,
      smtpUrl,
      smtpFrom: smtpFrom ?? 'Chatter <chatter@localhost>',
      emailDigestDelaySeconds,
      emailLinkBaseUrl,
    },
    moderation: { reportReasons, retentionSweepIntervalSeconds, retentionSweepBatch },
    scheduler: { perUser: scheduledPerUser, intervalMs: schedulerIntervalMs, disappearingTimers },
    shutdownGraceMs,
  };
  return deepFreeze(config);
}

/** Whether the private key is a P-256 key whose public half is `publicKey` (both base64url). */
function isVapidPair(publicKey: string, privateKey: string): boolean {
  const pub = Buffer.from(publicKey, 'base64url');
  const priv = Buffer.from(privateKey, 'base64url');
  if (pub.length !== 65 || priv.length !== 32) return false;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(priv);
    return ecdh.getPublicKey().equals(pub);
  } catch {
    return false;
  }
}

/** A log-safe view of the configuration: secrets reduced to whether they are set, URLs masked. */
export function summarizeConfig(config: AppConfig): Record<string, unknown> {
  return {
    nodeEnv: config.nodeEnv,
    mode: config.mode,
    store:
      config.store.kind === 'mongo'
        ? `mongo ${maskUrl(config.store.uri)}`
        : `sqlite in ${config.dataDir}`,
    bus: config.bus,
    natsUrl: config.natsUrl && maskUrl(config.natsUrl),
    redisUrl: config.redisUrl && maskUrl(config.redisUrl),
    jwtSecret: config.auth.jwtSecretSource,
    adminMutations: config.auth.adminToken ? 'enabled' : 'disabled',
    defaultTenantSecret: config.auth.defaultTenantSecret ? 'set' : 'unset',
    sms:
      config.sms.sender === 'webhook' ? `webhook ${maskUrl(config.sms.webhookUrl ?? '')}` : 'log',
    playground: config.graphql.playground,
    introspection: config.graphql.introspection,
    trustedDocuments: config.graphql.trustedDocuments.enforced ? 'enforced' : 'off',
    webDist: config.http.webDist ?? 'none',
    files: config.files.storage
      ? config.files.storage.kind === 's3'
        ? `s3 ${config.files.storage.bucket}${config.files.storage.endpoint ? ` at ${maskUrl(config.files.storage.endpoint)}` : ''}`
        : `disk in ${config.files.storage.dir}`
      : 'none (set S3_BUCKET)',
    listen: `${config.http.host}:${config.http.port}`,
  };
}

/** Masks URL passwords and query values (`redis://:***@h`, `?key=***`). */
export function maskUrl(value: string): string {
  return value
    .replace(/(\/\/[^/@]*?:)[^@/]*@/g, '$1***@')
    .replace(/([?&][^=&#]*=)[^&#]*/g, '$1***');
}

function describeValue(value: string): string {
  const shown = value.length > 120 ? `${value.slice(0, 117)}...` : value;
  return JSON.stringify(shown);
}

/** Reads and validates single variables; empty or blank values count as unset. */
class EnvReader {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  fail(name: string, expected: string, got: string, masked = false): never {
    const shown = masked ? `a ${got.length}-character value` : describeValue(got);
    throw new ConfigError(name, `${name} must be ${expected} (got ${shown})`);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(name, `an integer from ${min} to ${max}`, raw);
    }
    return value;
  }

  /** A comma list of CIDR ranges (`10.0.0.0/8`, `::1/128`; a bare address is one host). */
  cidrs(name: string): string[] {
    const raw = this.raw(name);
    if (raw === undefined) return [];
    const items = raw.split(',').map((item) => item.trim());
    if (items.some((item) => parseCidr(item) === null))
      this.fail(name, 'a comma list of CIDR ranges such as 127.0.0.1/32 or ::1/128', raw);
    return items;
  }

  /** A comma list of names from `allowed` (empty or unset: none). */
  /** A comma list of 1 to `max` distinct slugs (a-z, 0-9, _ and -, up to 32 characters each). */
  slugs(name: string, fallback: readonly string[], max: number): string[] {
    const raw = this.raw(name);
    if (raw === undefined) return [...fallback];
    const items = [...new Set(raw.split(',').map((item) => item.trim().toLowerCase()))];
    if (
      items.length < 1 ||
      items.length > max ||
      !items.every((item) => /^[a-z0-9][a-z0-9_-]{0,31}$/.test(item))
    )
      this.fail(name, `a comma list of 1–${max} short slugs (a-z, 0-9, _ and -)`, raw);
    return items;
  }

  /** A comma list of 1 to `max` distinct integers from `min` to `max`, ascending. */
  ints(
    name: string,
    fallback: readonly number[],
    min: number,
    maxValue: number,
    max: number,
  ): number[] {
    const raw = this.raw(name);
    if (raw === undefined) return [...fallback];
    const items = [...new Set(raw.split(',').map((item) => item.trim()))];
    const values = items.map((item) => (/^\d{1,10}$/.test(item) ? Number(item) : NaN));
    if (
      values.length < 1 ||
      values.length > max ||
      !values.every((v) => Number.isSafeInteger(v) && v >= min && v <= maxValue)
    )
      this.fail(name, `a comma list of 1–${max} integers from ${min} to ${maxValue}`, raw);
    return values.sort((a, b) => a - b);
  }

  /** A comma list of CIDR ranges (e.g. `127.0.0.0/8,::1/128`); empty when unset. */
  addressRanges(name: string): string[] {
    const raw = this.raw(name);
    if (raw === undefined) return [];
    const items = raw.split(',').map((item) => item.trim());
    const problem = addressRanges(items);
    if (typeof problem === 'string' || items.length > 32)
      this.fail(name, 'a comma list of at most 32 address ranges such as 127.0.0.0/8', raw);
    return items;
  }

  list<T extends string>(name: string, allowed: readonly T[]): T[] {
    const raw = this.raw(name);
    if (raw === undefined || raw.toLowerCase() === 'none') return [];
    const items = raw.split(',').map((item) => item.trim().toLowerCase());
    for (const item of items)
      if (!allowed.includes(item as T))
        this.fail(name, `a comma list of ${allowed.join(', ')} (or none)`, raw);
    return [...new Set(items)] as T[];
  }

  /** Path of a readable file (resolved against `cwd`), or undefined when unset. */
  file(name: string, cwd: string): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const resolved = path.resolve(cwd, raw);
    if (!existsSync(resolved) || !statSync(resolved).isFile())
      this.fail(name, 'the path of an existing file', raw);
    return resolved;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    switch (raw.toLowerCase()) {
      case 'true':
      case '1':
        return true;
      case 'false':
      case '0':
        return false;
      default:
        return this.fail(name, 'true or false', raw);
    }
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = raw.toLowerCase() as T;
    if (!allowed.includes(value)) this.fail(name, `one of ${allowed.join(', ')}`, raw);
    return value;
  }

  /** A JWT audience: 1–200 printable ASCII characters. */
  audience(name: string, fallback: string): string {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (!/^[\x21-\x7e]{1,200}$/.test(raw))
      this.fail(name, '1–200 printable characters without spaces', raw);
    return raw;
  }

  /** An S3 bucket name: 3–63 of a–z 0–9 . -, starting and ending with a letter or digit. */
  bucket(name: string): string | undefined {
    const raw = this.raw(name);
    if (raw !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(raw))
      this.fail(name, 'an S3 bucket name (3–63 of a–z, 0–9, . and -)', raw);
    return raw;
  }

  /** Comma-separated ICE server URIs with one of the schemes (RFC 7064/7065); empty when unset. */
  iceUris(name: string, schemes: readonly string[]): string[] {
    const raw = this.raw(name);
    if (raw === undefined) return [];
    const uris = raw
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== '');
    for (const uri of uris) {
      if (
        !schemes.some((s) => uri.startsWith(s)) ||
        !/^[a-z]+:[^\s,]+$/.test(uri) ||
        uri.length > 512
      )
        this.fail(
          name,
          `comma-separated ${schemes.join(' or ')} URIs (e.g. ${schemes[0]}turn.example.org:3478)`,
          uri,
        );
    }
    return uris;
  }

  secret(name: string, minLength: number): string | undefined {
    const raw = this.raw(name);
    if (raw !== undefined && raw.length < minLength) {
      this.fail(name, `at least ${minLength} characters`, raw, true);
    }
    return raw;
  }

  host(name: string, fallback: string): string {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const hostname =
      /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
    if (isIP(raw) === 0 && !hostname.test(raw)) this.fail(name, 'an IP address or host name', raw);
    return raw;
  }

  directory(name: string, fallback: string, cwd: string): string {
    const raw = this.raw(name) ?? fallback;
    const dir = path.resolve(cwd, raw);
    if (existsSync(dir) && !statSync(dir).isDirectory()) this.fail(name, 'a directory', raw);
    return dir;
  }

  url(name: string, protocols: readonly string[], expected: string): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const protocol = /^[a-z][a-z0-9+.-]*:/i.exec(raw)?.[0].toLowerCase();
    let ok =
      protocol !== undefined && protocols.includes(protocol) && raw.length > protocol.length + 2;
    // Multi-host MongoDB URIs are not WHATWG URLs; the driver validates those further.
    if (ok && !protocol!.startsWith('mongodb')) {
      try {
        ok = new URL(raw).hostname !== '';
      } catch {
        ok = false;
      }
    }
    if (!ok) this.fail(name, expected, maskUrl(raw));
    return raw;
  }

  /** NATS_URL: a comma list of `nats://`/`tls://` URLs or bare `host:port`s. */
  natsServers(name: string): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const servers = raw.split(',').map((s) => s.trim());
    const valid = servers.every((server) => {
      if (/^[a-z0-9.-]+:\d{1,5}$/i.test(server)) return true;
      if (!/^(nats|tls):\/\//i.test(server)) return false;
      try {
        return new URL(server).hostname !== '';
      } catch {
        return false;
      }
    });
    if (!valid) this.fail(name, 'a comma list of nats://host:port URLs', maskUrl(raw));
    return servers.join(',');
  }

  cors(name: string, fallback: CorsPolicy): CorsPolicy {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const parsed = parseCorsOrigins(raw);
    if ('error' in parsed) {
      this.fail(
        name,
        `none, or a comma list of origins like https://chat.example.com or http://localhost:* (${parsed.error})`,
        raw,
      );
    }
    return parsed;
  }

  trustProxy(name: string): TrustProxy {
    const raw = this.raw(name);
    if (raw === undefined) return false;
    const lower = raw.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (/^\d{1,2}$/.test(raw)) return Number(raw);
    const entries = raw.split(',').map((e) => e.trim());
    const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
    const valid = entries.every((entry) => {
      if (named.has(entry.toLowerCase())) return true;
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      if (family === 0 || extra !== undefined) return false;
      return (
        bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
      );
    });
    if (!valid) {
      this.fail(
        name,
        'true, false, a hop count, or a comma list of addresses/CIDRs (or loopback, linklocal, uniquelocal)',
        raw,
      );
    }
    return entries;
  }

  /**
   * off (default), on (the manifest built with the API), or the path of a manifest file; the
   * manifest's content is checked when the API wires it (trusted-documents wiring).
   */
  trustedDocuments(
    name: string,
    cwd: string,
    repoRoot: string,
  ): { enforced: boolean; manifestPath: string | undefined } {
    const raw = this.raw(name);
    const bundled = BUNDLED_MANIFESTS.map((p) => path.join(repoRoot, p)).find((p) => existsSync(p));
    if (raw === undefined || ['off', 'false', '0'].includes(raw.toLowerCase()))
      return { enforced: false, manifestPath: bundled };
    if (['on', 'true', '1'].includes(raw.toLowerCase())) {
      if (!bundled)
        this.fail(name, `off, on (with a built manifest: ${BUNDLED_MANIFESTS[0]}) or a path`, raw);
      return { enforced: true, manifestPath: bundled };
    }
    const file = path.resolve(cwd, raw);
    if (!existsSync(file) || !statSync(file).isFile())
      this.fail(name, 'off, on, or the path of a persisted-documents manifest (JSON)', raw);
    return { enforced: true, manifestPath: file };
  }

  /** Explicit WEB_DIST must hold index.html; the default is used only when it was built. */
  webDist(name: string, cwd: string, repoRoot: string): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) {
      const fallback = path.join(repoRoot, 'apps/web/dist');
      return existsSync(path.join(fallback, 'index.html')) ? fallback : undefined;
    }
    const dir = path.resolve(cwd, raw);
    if (!existsSync(path.join(dir, 'index.html')))
      this.fail(name, 'a directory containing index.html', raw);
    return dir;
  }
}

function readOrCreateJwtSecret(
  dataDir: string,
  shownDir: string,
): { secret: string; source: 'file' | 'generated' } {
  const file = path.join(dataDir, JWT_SECRET_FILE);
  const shownFile = `${shownDir.replace(/\/+$/, '')}/${JWT_SECRET_FILE}`;
  const existing = readSecretFile(file, shownFile);
  if (existing !== undefined) return { secret: existing, source: 'file' };
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // 'wx': if another process created it first, keep theirs.
    writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: readSecretFile(file, shownFile)!, source: 'generated' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return { secret: readSecretFile(file, shownFile)!, source: 'file' };
    }
    throw new ConfigError(
      'DATA_DIR',
      `DATA_DIR must be a writable directory to keep the generated JWT secret, or set JWT_SECRET (got ${JSON.stringify(shownDir)}: ${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

function readSecretFile(file: string, shownFile: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      'JWT_SECRET',
      `${shownFile} must be readable by its owner only (chmod 600 it; got mode ${mode.toString(8).padStart(4, '0')})`,
    );
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) {
    throw new ConfigError(
      'JWT_SECRET',
      `${shownFile} must hold at least 32 characters (got a ${secret.length}-character value)`,
    );
  }
  return secret;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
