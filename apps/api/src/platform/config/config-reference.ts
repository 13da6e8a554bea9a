/** One environment variable, as documented in the README's configuration table. */
export interface ConfigVariable {
  readonly name: string;
  /** The default, in words when it depends on other variables. */
  readonly default: string;
  readonly description: string;
}

/** Every variable `loadConfig` reads, in README order. */
export const CONFIG_REFERENCE: readonly ConfigVariable[] = [
  { name: 'PORT', default: '3000', description: 'HTTP and WebSocket port (1–65535).' },
  { name: 'HOST', default: '0.0.0.0', description: 'Address to listen on (IP or host name).' },
  {
    name: 'NODE_ENV',
    default: 'development',
    description:
      'development, production or test. Production turns off the playground and introspection by default and refuses the log SMS sender.',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'pino level: fatal, error, warn, info, debug, trace or silent.',
  },
  {
    name: 'LOG_FORMAT',
    default: 'pretty in development, else json',
    description: 'json (one JSON object per line) or pretty (one readable line per entry).',
  },
  {
    name: 'DATA_DIR',
    default: './data',
    description: 'Directory of the embedded SQLite file and the generated JWT secret.',
  },
  {
    name: 'SQLITE_CACHE_MIB',
    default: '16',
    description:
      'Embedded mode: SQLite page cache in MiB (1–4096). Resident memory grows by up to this much as the database grows, then stays.',
  },
  {
    name: 'MONGODB_URI',
    default: 'unset (embedded SQLite)',
    description:
      'MongoDB connection string; switches to cluster mode, which also requires REDIS_URL, JWT_SECRET and a shared bus (NATS_URL or REDIS_URL).',
  },
  {
    name: 'NATS_URL',
    default: 'unset',
    description:
      'NATS server(s), comma-separated nats://host:port; selects the NATS bus by default.',
  },
  {
    name: 'NATS_USER',
    default: 'unset',
    description:
      'NATS user of this deployment (with NATS_PASSWORD; user:password@ in NATS_URL works too). Keep it in a Secret.',
  },
  {
    name: 'NATS_PASSWORD',
    default: 'unset',
    description: 'Password of NATS_USER.',
  },
  {
    name: 'NATS_TLS',
    default: 'true if a NATS_URL server is tls://, else false',
    description: 'Require TLS to NATS (the server certificate is verified).',
  },
  {
    name: 'NATS_TLS_CA',
    default: "Node's CA list",
    description:
      'PEM file of the CA that signed the NATS server certificates; implies NATS_TLS. MongoDB and Redis take theirs in the URL (tls=true&tlsCAFile=…, rediss://) or NODE_EXTRA_CA_CERTS.',
  },
  {
    name: 'REDIS_URL',
    default: 'unset',
    description:
      'Redis URL (redis:// or rediss://) for presence, rate limits and login-code attempts; selects the Redis bus by default when NATS_URL is unset.',
  },
  {
    name: 'BUS',
    default: 'nats if NATS_URL is set, else redis if REDIS_URL is set, else memory',
    description:
      "Event bus: memory, nats or redis. memory is refused with MONGODB_URI (instances would miss each other's events).",
  },
  {
    name: 'JWT_SECRET',
    default: 'generated once into DATA_DIR/jwt-secret (embedded mode)',
    description: 'Access-token signing secret, at least 32 characters. Required with MONGODB_URI.',
  },
  {
    name: 'ACCESS_TOKEN_TTL_SECONDS',
    default: '900',
    description: 'Access token lifetime in seconds (1–86400).',
  },
  {
    name: 'REFRESH_TOKEN_TTL_DAYS',
    default: '30',
    description: 'Refresh token lifetime in days (1–365).',
  },
  {
    name: 'ADMIN_TOKEN',
    default: 'unset (admin mutations disabled)',
    description: 'Bearer token for admin mutations, at least 24 characters.',
  },
  {
    name: 'DEFAULT_TENANT_SECRET',
    default: 'unset',
    description:
      "Seeds the signing secret of the default tenant's app-issued tokens when that tenant is first created, at least 32 characters. Once stored, the secret changes only by rotation (rotateTenantSecret or the CLI): a different value here is ignored with a warning at start, so a restart never undoes a rotation.",
  },
  {
    name: 'APP_TOKEN_AUDIENCE',
    default: 'chatter',
    description:
      'The aud claim an app-issued token must name when it carries one (a string or an array containing it); tokens with another audience are refused.',
  },
  {
    name: 'APP_TOKEN_REQUIRE_AUDIENCE',
    default: 'false',
    description:
      'true: refuse app-issued tokens without an aud claim (recommended once every tenant backend sets it).',
  },
  {
    name: 'SMS_SENDER',
    default: 'webhook if SMS_WEBHOOK_URL is set, else log',
    description:
      'Login-code delivery: log (prints codes to the server log; refused in production unless allowed) or webhook.',
  },
  {
    name: 'SMS_WEBHOOK_URL',
    default: 'unset',
    description: 'http(s) URL that receives login codes to deliver.',
  },
  {
    name: 'SMS_WEBHOOK_TIMEOUT_MS',
    default: '5000',
    description: 'Webhook request timeout in milliseconds (100–60000).',
  },
  {
    name: 'WEBHOOK_ALLOW_PRIVATE_TARGETS',
    default: 'false',
    description:
      'true: outgoing webhooks may reach loopback, private and link-local addresses (checked after DNS at connect time); keep off unless receivers run on the same network.',
  },
  {
    name: 'LINK_PREVIEWS',
    default: 'on',
    description:
      'off: the server never fetches links for previews. on: the first http(s) link of a message is fetched after the send (public addresses on ports 80 and 443 only, checked after DNS at connect time and on every redirect; 5 redirects, 512 KB of HTML, images up to 2 MB).',
  },
  {
    name: 'LINK_PREVIEW_ALLOW_RANGES',
    default: 'unset',
    description:
      'Comma list of CIDR ranges link previews may reach despite being private or loopback, on any port (e.g. 127.0.0.1/32 for tests, an intranet range); unset: none.',
  },
  {
    name: 'LINK_PREVIEW_TIMEOUT_MS',
    default: '5000',
    description:
      'Time cap of one link preview fetch, redirects included, in milliseconds (100–30000).',
  },
  {
    name: 'WEBHOOK_TIMEOUT_MS',
    default: '10000',
    description: 'Timeout of one outgoing webhook delivery in milliseconds (100–60000).',
  },
  {
    name: 'WEBHOOK_RETRY_BASE_MS',
    default: '1000',
    description:
      'First retry delay of a failed webhook delivery; each later retry waits 5 times longer, at most 12 hours (10–600000).',
  },
  {
    name: 'WEBHOOK_MAX_ATTEMPTS',
    default: '8',
    description:
      'Attempts to deliver one event to an outgoing webhook, the first included (1–20); after the last failed one the event is dead-lettered (DEAD in the delivery log). With the default base delay the 8 attempts span about 5.4 hours.',
  },
  {
    name: 'WEBHOOK_DISABLE_AFTER_FAILURES',
    default: '20',
    description:
      'Consecutive dead-lettered events after which an outgoing webhook is disabled (1–10000); any delivered event resets the count. A 410 answer disables it at once. The bot re-enables it with enableWebhook.',
  },
  {
    name: 'WEBHOOK_POLL_INTERVAL_MS',
    default: '1000',
    description:
      'How often each instance claims due outgoing webhook deliveries from the durable queue (20–60000).',
  },
  {
    name: 'WEBHOOK_HISTORY_DAYS',
    default: '7',
    description:
      "Days an outgoing webhook's delivery log (webhookDeliveries) and its dead letters, whose payloads copy message text, are kept (1–365); older ones are removed hourly. Pending deliveries are never removed.",
  },
  {
    name: 'SMS_PER_TENANT_PER_HOUR',
    default: '1000',
    description:
      'Login codes one tenant may have sent per hour (toll-fraud budget), counted by all instances together; beyond it requestLoginCode answers RATE_LIMITED.',
  },
  {
    name: 'SMS_PER_HOUR',
    default: '10000',
    description:
      'Login codes the whole deployment may send per hour, counted by all instances together.',
  },
  {
    name: 'PUBLIC_URL',
    default: '(none)',
    description:
      'The http(s) address people open the web app at (e.g. https://chat.example.com), served by this API (or a proxy in front of it). Invitation SMS tell the invited person to sign up there; without it they name no address. OpenID Connect sign-in needs it: the redirect URI to register at each provider is PUBLIC_URL/auth/oidc/callback (without it the sign-in routes answer UNAVAILABLE).',
  },
  {
    name: 'INVITES_PER_USER_PER_DAY',
    default: '10',
    description:
      'Invitation SMS one user may have sent (sendInvite, to numbers without an account) per 24 hours; each number receives at most one a day, and they count against the SMS budgets above. 0 turns invitations by SMS off (FORBIDDEN); the app still offers a share link.',
  },
  {
    name: 'ALLOW_LOG_SMS_IN_PRODUCTION',
    default: 'false',
    description: 'Accept SMS_SENDER=log with NODE_ENV=production (demos only).',
  },
  {
    name: 'PLAYGROUND',
    default: 'true unless NODE_ENV=production',
    description: 'Serve the offline GraphiQL page on GET /graphql for browsers.',
  },
  {
    name: 'INTROSPECTION',
    default: 'true unless NODE_ENV=production',
    description:
      'Allow schema introspection (__schema, __type), as GraphiQL, Apollo Sandbox, Altair and GraphQL Code Generator use it. Introspection selections do not count toward MAX_QUERY_DEPTH or MAX_QUERY_COMPLEXITY; they have their own bounds (depth 20 below __schema/__type, 5 such fields per operation, no lists nested three deep); aliases count as everywhere.',
  },
  {
    name: 'CORS_ORIGINS',
    default: 'production: none; otherwise http://localhost:*, http://127.0.0.1:*, http://[::1]:*',
    description:
      'Browser origins allowed to call the API cross-origin: none, or a comma list of exact origins (https://chat.example.com); a * port is accepted for loopback hosts only, and * alone is refused. Same-origin use (the bundled web app) needs nothing. WebSocket upgrades from other origins are checked against the same list.',
  },
  {
    name: 'WS_MAX_PAYLOAD_BYTES',
    default: '65536',
    description: 'Largest incoming WebSocket message in bytes.',
  },
  {
    name: 'WS_MAX_BUFFERED_BYTES',
    default: '1048576',
    description:
      'Outgoing bytes a WebSocket may buffer before it counts as a slow consumer; four times this at once closes it (4013).',
  },
  {
    name: 'WS_SLOW_CONSUMER_MS',
    default: '10000',
    description:
      'A socket above WS_MAX_BUFFERED_BYTES for this long is closed with 4013 (the client resumes with its cursors).',
  },
  {
    name: 'WS_MAX_SOCKETS_PER_IP',
    default: '1000',
    description:
      'Most WebSocket connections one client address (as TRUST_PROXY resolves it) may hold open on one instance; 0 = no cap. Beyond it the upgrade is refused with 429 and Retry-After.',
  },
  {
    name: 'WS_CONNECTS_PER_IP',
    default: '600',
    description:
      'New WebSocket connections per client address per 10 s, counted by all instances together (in Redis when clustered; not enforced while Redis is unreachable); 0 = no limit. Beyond it the upgrade is refused with 429 and Retry-After.',
  },
  {
    name: 'WS_MAX_SOCKETS_PER_USER',
    default: '50',
    description:
      'Most authenticated WebSocket connections one user may hold open on one instance; 0 = no cap. Beyond it connection_init is answered by closing with 4429.',
  },
  {
    name: 'WS_MAX_SUBSCRIPTIONS_PER_USER',
    default: '100',
    description:
      'Most subscriptions one user may run at once on one instance, over all their sockets; 0 = no cap. Beyond it a subscription is refused with RATE_LIMITED.',
  },
  {
    name: 'MAX_QUERY_DEPTH',
    default: '12',
    description: 'Deepest selection allowed in an operation (HTTP and WebSocket).',
  },
  {
    name: 'MAX_QUERY_COMPLEXITY',
    default: '12000',
    description:
      'Highest complexity score allowed for an operation: each field costs 1, a paginated field multiplies its selection by its page size (a variable counts at the value sent, capped at the largest page; an absent one as the largest page) and a search adds 100; checked before execution over HTTP and WebSocket.',
  },
  { name: 'MAX_ALIASES', default: '30', description: 'Most aliases allowed in an operation.' },
  {
    name: 'TRUSTED_DOCUMENTS',
    default: 'off',
    description:
      "off, on, or the path of a manifest (JSON: sha256 hash → operation text). on runs only the operations of the web app's and SDK's manifest (libs/client, regenerated by npm run codegen), sent by hash as Apollo persisted queries; anything else is refused with PERSISTED_QUERY_NOT_IN_LIST over HTTP and WebSocket, except __typename and, when INTROSPECTION is on, introspection. Recommended in production when only your own clients call the API. When off, the manifest still answers hashes sent alone.",
  },
  {
    name: 'REPLAY_LIMIT',
    default: '1000',
    description:
      'Most events replayed per conversation on resume; beyond it the client gets ResyncRequired.',
  },
  {
    name: 'PRESENCE_TTL_MS',
    default: '30000',
    description: 'A connection that sends no heartbeat for this long counts as gone.',
  },
  {
    name: 'AWAY_AFTER_MS',
    default: '300000',
    description: 'Idle time after which an online user shows as AWAY.',
  },
  {
    name: 'TYPING_TTL_MS',
    default: '6000',
    description: 'A typing indicator expires after this long without a refresh.',
  },
  {
    name: 'LOGIN_CODES_PER_PHONE',
    default: '5',
    description:
      'Login codes requested for one phone number per 15 minutes (1–1000), counted by all instances together; beyond it requestLoginCode answers RATE_LIMITED.',
  },
  {
    name: 'LOGIN_CODES_PER_IP',
    default: '30',
    description:
      "Login codes requested from one client address per 15 minutes. Behind a proxy set TRUST_PROXY, or every user shares the proxy's budget.",
  },
  {
    name: 'LOGIN_VERIFIES_PER_IP',
    default: '60',
    description: 'Login-code checks (verifyLoginCode) from one client address per 15 minutes.',
  },
  {
    name: 'SENDS_PER_USER',
    default: '30',
    description:
      'Messages one user may send per 10 seconds; beyond it sendMessage answers RATE_LIMITED.',
  },
  {
    name: 'WRITES_PER_USER',
    default: '120',
    description:
      'Other writes (reactions, edits, typing, membership) one user may make per 10 seconds.',
  },
  {
    name: 'SHUTDOWN_GRACE_MS',
    default: '10000',
    description: 'Time given to open connections to drain on SIGTERM/SIGINT before closing.',
  },
  {
    name: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    default: '65000',
    description:
      "Idle time of a kept-alive HTTP connection (1000–3600000); the header timeout is 1 s more. Must exceed every proxy's upstream keep-alive (ingress-nginx, nginx, cloud load balancers: 60 s), or a request sent as the API closes the connection gets a 502.",
  },
  {
    name: 'METRICS_PORT',
    default: 'unset',
    description:
      'Serve /metrics on this port only (its own listener, not behind the public Service or proxy); unset: /metrics on PORT, exact path only.',
  },
  {
    name: 'STALL_REPORT_DIR',
    default: 'unset (off)',
    description:
      "Diagnostics: profile the process and write an event-loop stall report (`stalls-<pid>.md` and `.json`: each stall over STALL_THRESHOLD_MS with what ran in it, by cause and function) to this directory at shutdown. While it runs, `kill -USR2 <pid>` opens a measured window and the next SIGUSR2 closes it (windows may repeat): the report then gives the figures inside the windows first and the whole process after. Send SIGUSR2 only with this set: otherwise Node's default applies and the process exits. Costs a few percent of CPU; for investigations and benchmarks (`BENCH_STALL_REPORT`).",
  },
  {
    name: 'STALL_THRESHOLD_MS',
    default: '20',
    description:
      'A turn of the event loop longer than this counts as a stall in the stall report (1–60000).',
  },
  {
    name: 'READINESS_REQUIRES',
    default: 'none',
    description:
      'Comma list of store, bus, presence whose failure turns /readyz to 503. Others only report "degraded" with 200: a dependency every instance shares failing would otherwise take the whole fleet, web app included, out of service at once.',
  },
  {
    name: 'S3_BUCKET',
    default: 'unset (files on disk under DATA_DIR/files)',
    description:
      'S3 bucket for attachments; switches file storage to S3. In cluster mode (MONGODB_URI) uploads are refused without it.',
  },
  {
    name: 'S3_ENDPOINT',
    default: 'unset (AWS)',
    description:
      'Endpoint of an S3-compatible server (MinIO, Ceph, R2…), http(s) URL; uses path-style addressing.',
  },
  { name: 'S3_REGION', default: 'us-east-1', description: 'Region of the S3 bucket.' },
  {
    name: 'S3_ACCESS_KEY_ID',
    default: 'unset (AWS default credential chain)',
    description: 'S3 access key id; set together with S3_SECRET_ACCESS_KEY.',
  },
  {
    name: 'S3_SECRET_ACCESS_KEY',
    default: 'unset',
    description: 'S3 secret access key; set together with S3_ACCESS_KEY_ID.',
  },
  {
    name: 'UPLOAD_MAX_BYTES',
    default: '52428800 (50 MiB)',
    description:
      'Largest attachment in bytes (1 to 2147483647), enforced by the storage while the file arrives; published as Query.uploadLimits.',
  },
  {
    name: 'UPLOAD_USER_QUOTA_MIB',
    default: '1024',
    description: 'Bytes of attachments one user may keep, in MiB; 0 = no quota.',
  },
  {
    name: 'UPLOAD_TENANT_QUOTA_MIB',
    default: '0',
    description: 'Bytes of attachments one tenant may keep, in MiB; 0 = no quota.',
  },
  {
    name: 'FILE_LINK_TTL_SECONDS',
    default: '300',
    description:
      'Lifetime of the signed download links handed to members (1–3600 s); a link also stops working when its holder leaves the conversation.',
  },
  {
    name: 'UPLOAD_UNSENT_TTL_SECONDS',
    default: '86400',
    description: 'An upload never sent with a message is deleted after this long (1 s – 1 year).',
  },
  {
    name: 'ATTACHMENT_DELETE_GRACE_SECONDS',
    default: '86400',
    description:
      "A deleted message's files are deleted after this long (0 s – 1 year); members lose access at once.",
  },
  {
    name: 'ATTACHMENT_SWEEP_INTERVAL_SECONDS',
    default: '60',
    description: 'How often expired attachment files are looked for and deleted (1–86400 s).',
  },
  {
    name: 'CALL_INVITE_TIMEOUT_SECONDS',
    default: '45',
    description: 'How long a call invite rings before it becomes a missed call (5–600 s).',
  },
  {
    name: 'CALL_DISCONNECT_GRACE_SECONDS',
    default: '60',
    description:
      'An answered call ends (reason FAILED) once one party has had no connected device (no chat stream anywhere) for this long, so a closed tab or a lost phone does not leave both people busy (10–3600 s).',
  },
  {
    name: 'STUN_URIS',
    default: 'unset',
    description:
      'Comma-separated STUN URIs handed to browsers for calls (e.g. `stun:turn.example.org:3478`).',
  },
  {
    name: 'TURN_URIS',
    default: 'unset (no relay)',
    description:
      'Comma-separated TURN URIs (e.g. `turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349`). Calls between different networks need a TURN server; set together with TURN_SECRET.',
  },
  {
    name: 'TURN_SECRET',
    default: 'unset',
    description:
      "The TURN server's shared secret (coturn `use-auth-secret` / `static-auth-secret`, at least 16 characters): Query.iceServers mints credentials with it (username `<expiry>:<userId>`, password base64 HMAC-SHA1).",
  },
  {
    name: 'TURN_TTL_SECONDS',
    default: '86400',
    description: 'Lifetime of minted TURN credentials (60 s – 7 days).',
  },
  {
    name: 'REPORT_REASONS',
    default: 'spam,harassment,hate,violence,impersonation,other',
    description:
      'The reasons users may give when they report a message or a user: a comma list of 1–20 slugs (a-z, 0-9, _ and -, up to 32 characters).',
  },
  {
    name: 'SCHEDULED_MESSAGES_PER_USER',
    default: '100',
    description:
      'Scheduled messages one user may have waiting at once (1–10000); sendAt may be at most a year ahead.',
  },
  {
    name: 'SCHEDULER_INTERVAL_MS',
    default: '1000',
    description:
      'How often each instance looks for due scheduled messages and expired disappearing messages (100–60000 ms).',
  },
  {
    name: 'DISAPPEARING_TIMERS_SECONDS',
    default: '3600,86400,604800,7776000',
    description:
      'The disappearing-message timers conversations may choose from: a comma list of 1–10 durations in seconds (1 s – 1 year); 1 hour, 1 day, 7 days and 90 days by default.',
  },
  {
    name: 'RETENTION_SWEEP_INTERVAL_SECONDS',
    default: '3600',
    description:
      "How often messages older than their tenant's retention (tenant safety settings) are deleted (1–86400 s).",
  },
  {
    name: 'RETENTION_SWEEP_BATCH',
    default: '1000',
    description:
      'At most this many expired messages are deleted per retention run (1–100000); the next run continues.',
  },
  {
    name: 'TRUST_PROXY',
    default: 'false',
    description:
      "Express trust proxy: true, false, a hop count, or a comma list of addresses/CIDRs (loopback, linklocal, uniquelocal accepted). Set it behind a proxy: otherwise all users share the proxy's address in the per-address limits; a request with an X-Forwarded-For it does not trust logs one warning.",
  },
  {
    name: 'WEB_DIST',
    default: 'apps/web/dist under the repository root, when built',
    description: 'Directory of the built web app to serve (must contain index.html when set).',
  },
  {
    name: 'VAPID_PUBLIC_KEY',
    default: 'embedded: generated into DATA_DIR/vapid-keys.json; cluster: unset (Web Push off)',
    description:
      'Web Push application server public key (base64url, 65 bytes; `npx web-push generate-vapid-keys`). Every instance must share the pair: subscriptions are bound to it.',
  },
  {
    name: 'VAPID_PRIVATE_KEY',
    default: 'see VAPID_PUBLIC_KEY',
    description: 'Web Push private key (base64url, 32 bytes); set together with VAPID_PUBLIC_KEY.',
  },
  {
    name: 'VAPID_SUBJECT',
    default: 'mailto:postmaster@localhost',
    description:
      'Contact (mailto: or https: URL) that push services may use to reach the operator; sent in every VAPID token.',
  },
  {
    name: 'NOTIFY_DELAY_SECONDS',
    default: '60',
    description:
      'Default "notify only if still unread after" delay (0–3600 s); each user may change theirs.',
  },
  {
    name: 'PUSH_ALLOW_HTTP_ENDPOINTS',
    default: 'false',
    description:
      'Accept push subscriptions whose endpoint is plain http (a local push service in tests); refused in production.',
  },
  {
    name: 'PUSH_ALLOW_PRIVATE_RANGES',
    default: 'unset (none)',
    description:
      'Comma list of private address ranges (CIDR, e.g. 127.0.0.0/8,::1/128) that push endpoints and the push gateway may resolve to; any other private, loopback or link-local address is refused when a device registers and again at connect time. For a local push service in tests.',
  },
  {
    name: 'OIDC_ALLOW_PRIVATE_RANGES',
    default: '127.0.0.0/8,::1/128 (loopback); none when NODE_ENV=production',
    description:
      "Comma list of private address ranges (CIDR) that tenants' OpenID Connect providers may resolve to, or none. Tenant owners set the issuer, and its discovery document names the JWKS, token and userinfo endpoints: every request to them connects only to public addresses or these ranges (checked after DNS at connect time), so a provider cannot point the server at its private network. Add the range of an intranet identity provider here.",
  },
  {
    name: 'PUSH_TIMEOUT_MS',
    default: '10000',
    description:
      'Timeout of one request to a push service (100–60000 ms); a timeout is retried with backoff.',
  },
  {
    name: 'NOTIFY_QUEUE',
    default: 'memory',
    description:
      'Where notification jobs wait: memory (in process), nats (a JetStream work-queue stream shared by the instances; needs NATS_URL with JetStream enabled) or redis (a Redis stream with one consumer group; needs REDIS_URL). With nats or redis a job whose instance dies is handed to another, so each push is sent once. Recommended for clusters, with REDIS_URL set so the delivery ledger (sent keys per message and device) is shared and a redelivered job is not pushed again.',
  },
  {
    name: 'NOTIFY_QUEUE_ACK_WAIT_MS',
    default: '30000',
    description:
      'NOTIFY_QUEUE=nats or redis: a job an instance took but did not finish (it died) goes to another instance after this long (1000–600000 ms).',
  },
  {
    name: 'PUSH_GATEWAY_URL',
    default: 'unset (native apps cannot register)',
    description:
      'Notify URL of a push gateway for native apps in the style of Matrix Sygnal (e.g. https://sygnal.example.com/_matrix/push/v1/notify); the gateway forwards to APNs/FCM.',
  },
  {
    name: 'SMTP_URL',
    default: 'unset (e-mail off)',
    description:
      'SMTP server for notification e-mail (verification codes and digests), e.g. smtp://user:pass@mail.example.com:587 (STARTTLS when offered) or smtps://…:465. Unset: users cannot add an e-mail address and no digest is sent.',
  },
  {
    name: 'SMTP_FROM',
    default: 'Chatter <chatter@localhost>',
    description: 'The From of notification e-mail, e.g. "Chatter <chat@example.com>".',
  },
  {
    name: 'EMAIL_DIGEST_DELAY_SECONDS',
    default: '900',
    description:
      "A user's e-mail digest of unread conversations goes out this long after the first message that would notify them (1–86400 s), and at most once per such period.",
  },
  {
    name: 'EMAIL_LINK_BASE_URL',
    default: 'PUBLIC_URL',
    description:
      "Base URL of the API used in e-mail links (the digest's unsubscribe link, /email/unsubscribe); set it when the API is not served at PUBLIC_URL.",
  },
];
