/** Tunables of the domain, provided by the composition root from validated configuration. */
export class CoreSettings {
  jwtSecret = '';
  accessTokenTtlSeconds = 900;
  refreshTokenTtlDays = 30;
  loginCodeTtlMs = 5 * 60_000;
  loginCodeMaxAttempts = 5;
  /** Codes requested per phone number per window, and per client IP. */
  codesPerPhone = { limit: 5, windowMs: 15 * 60_000 };
  codesPerIp = { limit: 30, windowMs: 15 * 60_000 };
  verifyPerIp = { limit: 60, windowMs: 15 * 60_000 };
  /** SMS codes sent per tenant, and by the whole deployment, per window (toll-fraud budgets). */
  smsPerTenant = { limit: 1000, windowMs: 3_600_000 };
  smsGlobal = { limit: 10_000, windowMs: 3_600_000 };
  /** Invitation SMS one user may send per window (limit 0: the feature is off), and that one
   *  number may receive per window from anyone. */
  invitesPerUser = { limit: 10, windowMs: 24 * 3_600_000 };
  invitesPerNumber = { limit: 1, windowMs: 24 * 3_600_000 };
  /** Where people open the web app (PUBLIC_URL); '' when not configured. */
  publicUrl = '';
  /** Operator (admin-token) requests per client address per window, right or wrong. */
  adminPerIp = { limit: 60, windowMs: 60_000 };
  /** Delivery receipts a user may send per window. */
  deliveredPerUser = { limit: 300, windowMs: 10_000 };
  /** The `aud` an app-issued token must name when it has one; whether tokens without one are refused. */
  appTokenAudience = 'chatter';
  appTokenRequireAudience = false;
  /** Messages a user may send per window. */
  sendsPerUser = { limit: 30, windowMs: 10_000 };
  /** Other writes (reactions, edits, typing, membership) per user per window. */
  writesPerUser = { limit: 120, windowMs: 10_000 };
  /** Expensive reads (message and channel searches, member pages) per user per window. */
  expensiveReadsPerUser = { limit: 60, windowMs: 10_000 };
  replayLimit = 1000;
  presenceTtlMs = 30_000;
  awayAfterMs = 300_000;
  typingTtlMs = 6_000;
  maxGroupMembers = 256;
  /** Direct conversations a user may start with people they had none with, per window. */
  newDirectPerUser = { limit: 20, windowMs: 10 * 60_000 };
  /** How often an instance compares followed conversations with the store (0 = never). */
  reconcileIntervalMs = 2_000;
  /** Largest attachment in bytes, and bytes of attachments a user / a tenant may keep (0 = no quota). */
  uploadMaxBytes = 50 * 1024 * 1024;
  uploadUserQuotaBytes = 1024 * 1024 * 1024;
  uploadTenantQuotaBytes = 0;
  /** Uploads a user may start per window. */
  uploadsPerUser = { limit: 30, windowMs: 60_000 };
  /** Lifetime of an upload target, and of a download link. */
  uploadUrlTtlSeconds = 600;
  downloadUrlTtlSeconds = 300;
  /** An attachment never sent is deleted after this long. */
  unattachedUploadTtlMs = 24 * 3_600_000;
  /** A deleted message's files are deleted after this long. */
  attachmentDeleteGraceMs = 24 * 3_600_000;
  /** The reasons a report may give (REPORT_REASONS). */
  reportReasons: readonly string[] = [
    'spam',
    'harassment',
    'hate',
    'violence',
    'impersonation',
    'other',
  ];
  /** Link previews: whether the server fetches them, how long a fetched page is cached, the
   *  largest preview image kept, and how many fetches run at once (more wait, up to a queue cap). */
  linkPreviews = {
    enabled: true,
    cacheTtlMs: 6 * 3_600_000,
    imageMaxBytes: 2 * 1024 * 1024,
    concurrency: 4,
    maxQueued: 200,
  };
  /** Attachments per message. */
  maxAttachmentsPerMessage = 10;
  /** An unanswered call invite becomes a missed call after this long. */
  callInviteTimeoutMs = 45_000;
  /** An answered call ends (FAILED) once a party has had no connected device for this long. */
  callDisconnectGraceMs = 60_000;
  /** Calls a user may start per window, and call signals (answers, candidates, hang-ups…). */
  callStartsPerUser = { limit: 10, windowMs: 60_000 };
  callSignalsPerUser = { limit: 300, windowMs: 10_000 };
  /** ICE servers handed to callers: STUN URIs, TURN URIs with the TURN REST shared secret. */
  stunUris: string[] = [];
  turnUris: string[] = [];
  turnSecret = '';
  turnTtlSeconds = 86_400;
  /** Default "notify only if still unread after" delay in seconds (users may change theirs). */
  notifyDelaySeconds = 60;
  /** Accept push endpoints over plain http (tests with a local push service only). */
  pushAllowHttpEndpoints = false;
  /** Whether native apps may register pushkeys (a push gateway is configured). */
  pushGatewayConfigured = false;
  /** How long an instance may take to push one notification before another may try (lease). */
  pushDeliveryLeaseMs = 30_000;
  /** Private address ranges (CIDR) push endpoints and the gateway may still reach (tests). */
  pushAllowedPrivateRanges: readonly string[] = [];
  /** Test notifications a user may request per window. */
  testNotificationsPerUser = { limit: 5, windowMs: 60_000 };
  /** Scheduled messages a user may have waiting, and how far ahead one may be scheduled. */
  maxScheduledPerUser = 100;
  scheduleHorizonMs = 365 * 86_400_000;
  /** How long an instance keeps a claimed scheduled message before another may send it. */
  scheduleLeaseMs = 60_000;
  /** The disappearing-message timers (seconds) a conversation may choose from. */
  disappearingTimers: readonly number[] = [3_600, 86_400, 604_800, 7_776_000];
  /** Whether a mail server is configured (SMTP_URL): notification e-mail is off without one. */
  emailConfigured = false;
  /** A digest goes out this long after the first unread message, and at most once per period. */
  emailDigestDelaySeconds = 900;
  /** Verification codes a user may have mailed per window. */
  emailCodesPerUser = { limit: 5, windowMs: 3_600_000 };
  /** The base URL of the API's HTTP routes in links of mails ('' falls back to publicUrl). */
  emailLinkBaseUrl = '';
  constructor(overrides: Partial<CoreSettings> = {}) {
    Object.assign(this, overrides);
  }
}
