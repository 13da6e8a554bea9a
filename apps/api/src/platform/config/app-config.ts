/** pino log levels accepted by LOG_LEVEL. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const BUS_KINDS = ['memory', 'nats', 'redis'] as const;
export type BusKind = (typeof BUS_KINDS)[number];

export const SMS_SENDERS = ['log', 'webhook'] as const;
export type SmsSenderKind = (typeof SMS_SENDERS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Which browser origins may call the API cross-origin. Same-origin requests and requests
 * without an `Origin` header (curl, servers) are never affected.
 * - `origins`: exact origins (`https://chat.example.com`), compared after normalisation.
 * - `loopbackAnyPort`: schemes whose loopback hosts (`localhost`, `127.0.0.1`, `[::1]`) are
 *   allowed on any port (`http://localhost:*`), for dev servers.
 */
export interface CorsPolicy {
  readonly origins: readonly string[];
  readonly loopbackAnyPort: readonly ('http' | 'https')[];
}

/** Express `trust proxy` setting: off, on (any hop), a hop count, or trusted addresses/subnets. */
export type TrustProxy = boolean | number | readonly string[];

/** Names of the readiness checks (`/readyz` body keys). */
export const READINESS_CHECK_NAMES = ['store', 'bus', 'presence'] as const;
export type ReadinessCheckName = (typeof READINESS_CHECK_NAMES)[number];

/** Validated, immutable runtime configuration (see CONFIG_REFERENCE for the variables). */
export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  /** `embedded`: SQLite store in DATA_DIR (one instance). `cluster`: MongoDB + Redis (+ NATS or Redis bus). */
  readonly mode: 'embedded' | 'cluster';
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly trustProxy: TrustProxy;
    readonly cors: CorsPolicy;
    /** Absolute directory of the built web app, or undefined to serve none. */
    readonly webDist: string | undefined;
    /** Idle time of a kept-alive connection; above every proxy's upstream keep-alive. */
    readonly keepAliveTimeoutMs: number;
    /** Port of the separate `/metrics` listener; undefined: `/metrics` on `port` (exact path). */
    readonly metricsPort: number | undefined;
  };
  /** Readiness checks whose failure makes `/readyz` answer 503 (others only degrade it). */
  readonly readinessRequires: readonly ReadinessCheckName[];
  /** Opt-in diagnostics: the event-loop stall sampler writes its report here at shutdown. */
  readonly diagnostics: {
    readonly stallReportDir: string | undefined;
    readonly stallThresholdMs: number;
  };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  /** Absolute path of the data directory (SQLite file, generated secrets). */
  readonly dataDir: string;
  readonly store:
    | {
        readonly kind: 'sqlite';
        /** SQLite page cache of the one connection, in MiB (it fills up to this as the database grows). */
        readonly cacheMiB: number;
      }
    | { readonly kind: 'mongo'; readonly uri: string };
  readonly bus: BusKind;
  readonly natsUrl: string | undefined;
  /** NATS credentials and TLS (the servers come from natsUrl). */
  readonly nats: {
    readonly user: string | undefined;
    readonly password: string | undefined;
    /** Require TLS to NATS (also implied by tls:// servers). */
    readonly tls: boolean;
    /** PEM file of the CA that signed the NATS server certificates (default: Node's CAs). */
    readonly tlsCaFile: string | undefined;
  };
  readonly redisUrl: string | undefined;
  readonly auth: {
    readonly jwtSecret: string;
    /** Where the JWT secret came from; `generated` means it was created by this boot. */
    readonly jwtSecretSource: 'env' | 'file' | 'generated';
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlDays: number;
    /** Undefined: admin mutations are disabled. */
    readonly adminToken: string | undefined;
    /** Seeds the default tenant's signing secret when that tenant is created (never overwrites). */
    readonly defaultTenantSecret: string | undefined;
    /** The `aud` an app-issued token must name when it has one. */
    readonly appTokenAudience: string;
    /** Refuse app-issued tokens without `aud`. */
    readonly appTokenRequireAudience: boolean;
  };
  readonly sms: {
    readonly sender: SmsSenderKind;
    readonly webhookUrl: string | undefined;
    readonly webhookTimeoutMs: number;
    /** Login codes sent per tenant per hour, and by the whole deployment per hour. */
    readonly perTenantPerHour: number;
    readonly perHour: number;
    /** Invitation SMS per user per 24 hours (0: invitations by SMS are off). */
    readonly invitesPerUserPerDay: number;
    /** PUBLIC_URL: where people open the web app, named in invitations. */
    readonly publicUrl: string | undefined;
  };
  readonly oidc: {
    /**
     * Private address ranges (CIDR) a tenant's OpenID Connect provider may resolve to, besides
     * public addresses: discovery, JWKS, token and userinfo requests are held to them.
     */
    readonly allowPrivateRanges: readonly string[];
  };
  readonly webhooks: {
    /** Outgoing webhooks may reach loopback and private addresses (off by default). */
    readonly allowPrivateTargets: boolean;
    readonly timeoutMs: number;
    /** Delay before the first retry; each later one waits 5 times longer. */
    readonly retryBaseMs: number;
    /** Attempts per event (the first included); after the last one it is dead-lettered. */
    readonly maxAttempts: number;
    /** Consecutive dead-lettered deliveries that disable a webhook. */
    readonly disableAfterFailures: number;
    /** How often each instance looks for due deliveries. */
    readonly pollIntervalMs: number;
    /** Days the delivery log and dead letters (with their payloads) are kept. */
    readonly historyDays: number;
  };
  readonly linkPreviews: {
    /** LINK_PREVIEWS=off: the server never fetches links. */
    readonly enabled: boolean;
    /** CIDR ranges previews may reach despite being private (tests, intranets). */
    readonly allowRanges: readonly string[];
    readonly timeoutMs: number;
  };
  readonly graphql: {
    readonly playground: boolean;
    readonly introspection: boolean;
    readonly maxQueryDepth: number;
    readonly maxQueryComplexity: number;
    readonly maxAliases: number;
    /**
     * The persisted-documents manifest (sha256 → operation text) that answers hashes sent
     * without text; `enforced` (TRUSTED_DOCUMENTS=on or a path): only its operations run.
     */
    readonly trustedDocuments: {
      readonly enforced: boolean;
      /** Absent when no manifest was found and none was asked for. */
      readonly manifestPath: string | undefined;
    };
  };
  readonly ws: {
    readonly maxPayloadBytes: number;
    readonly maxBufferedBytes: number;
    /** A socket buffering more than maxBufferedBytes for this long is closed. */
    readonly slowConsumerMs: number;
    /** Most sockets open at once per client address on one instance; 0 = no cap. */
    readonly maxSocketsPerIp: number;
    /** New sockets per client address per 10 s, across instances; 0 = no limit. */
    readonly connectsPerIp: number;
    /** Most sockets, and running subscriptions, per user on one instance; 0 = no cap. */
    readonly maxSocketsPerUser: number;
    readonly maxSubscriptionsPerUser: number;
  };
  readonly realtime: {
    readonly replayLimit: number;
    readonly presenceTtlMs: number;
    readonly awayAfterMs: number;
    readonly typingTtlMs: number;
  };
  /** Per-window budgets of the domain (each counted per 15 minutes or per 10 seconds). */
  readonly limits: {
    readonly loginCodesPerPhone: number;
    readonly loginCodesPerIp: number;
    readonly loginVerifiesPerIp: number;
    readonly sendsPerUser: number;
    readonly writesPerUser: number;
  };
  readonly files: {
    /** Where attachment files live; null in cluster mode without S3_BUCKET (uploads refused). */
    readonly storage:
      | { readonly kind: 'disk'; readonly dir: string }
      | {
          readonly kind: 's3';
          readonly bucket: string;
          readonly region: string;
          readonly endpoint?: string;
          readonly accessKeyId?: string;
          readonly secretAccessKey?: string;
        }
      | null;
    readonly uploadMaxBytes: number;
    /** Bytes of live attachments per user and per tenant; 0 = no quota. */
    readonly userQuotaBytes: number;
    readonly tenantQuotaBytes: number;
    /** Lifetime of download links, in seconds. */
    readonly linkTtlSeconds: number;
    /** Uploads never sent, and deleted messages' files, are deleted after these; swept this often. */
    readonly unsentUploadTtlSeconds: number;
    readonly deleteGraceSeconds: number;
    readonly sweepIntervalSeconds: number;
  };
  /**
   * Calls: how long an invite rings, how long an answered call outlives a party with no
   * connected device, and the ICE servers handed to browsers (TURN REST secret).
   */
  readonly calls: {
    readonly inviteTimeoutSeconds: number;
    readonly disconnectGraceSeconds: number;
    readonly stunUris: readonly string[];
    readonly turnUris: readonly string[];
    readonly turnSecret: string | undefined;
    readonly turnTtlSeconds: number;
  };
  readonly notifications: {
    /** VAPID keys: from VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, else (embedded) DATA_DIR's file; null: Web Push off. */
    readonly vapid:
      | { readonly source: 'env'; readonly publicKey: string; readonly privateKey: string }
      | { readonly source: 'data-dir' }
      | null;
    readonly vapidSubject: string;
    readonly delaySeconds: number;
    readonly allowHttpEndpoints: boolean;
    /** Private address ranges (CIDR) push endpoints and the gateway may reach (tests). */
    readonly allowPrivateRanges: readonly string[];
    readonly pushTimeoutMs: number;
    /** Where notification jobs wait: in process, a NATS JetStream work-queue stream, or a Redis stream. */
    readonly queue: 'memory' | 'nats' | 'redis';
    /** NATS or Redis queue: an unacknowledged job goes to another instance after this long. */
    readonly queueAckWaitMs: number;
    /** Push gateway (Matrix Sygnal style) notify URL for native apps; undefined: none. */
    readonly gatewayUrl: string | undefined;
    /** SMTP server for notification e-mail (SMTP_URL); undefined: e-mail is off. */
    readonly smtpUrl: string | undefined;
    /** The From of notification e-mail. */
    readonly smtpFrom: string;
    /** A user's e-mail digest goes out this long after the first unread message (and at most once per period). */
    readonly emailDigestDelaySeconds: number;
    /** Base URL of the API for links in e-mail (unsubscribe); undefined: PUBLIC_URL. */
    readonly emailLinkBaseUrl: string | undefined;
  };
  readonly moderation: {
    /** The reasons a report may give, as short slugs. */
    readonly reportReasons: readonly string[];
    /** How often message retention runs (seconds), and how many messages one run deletes at most. */
    readonly retentionSweepIntervalSeconds: number;
    readonly retentionSweepBatch: number;
  };
  readonly scheduler: {
    /** Scheduled messages one user may have waiting. */
    readonly perUser: number;
    /** How often due scheduled messages and expired disappearing messages are handled. */
    readonly intervalMs: number;
    /** The disappearing-message timers (seconds) conversations may choose from. */
    readonly disappearingTimers: readonly number[];
  };
  readonly shutdownGraceMs: number;
}
