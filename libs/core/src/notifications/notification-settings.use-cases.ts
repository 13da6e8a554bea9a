import { RateLimiter } from '../limits/rate-limiter.port';
import { enforceRateLimit } from '../limits/rate-limit';
import { enforceWriteLimit } from '../limits/write-limit';
import { ConversationAccess } from '../messaging/conversation-access';
import { ConversationKind } from '../messaging/conversation';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainError, invalid, notFound } from '../shared/domain-error';
import { isWellFormedId, newId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { NotificationQueue } from './notification-queue.port';
import { isKnownTimeZone, quietHoursProblem } from './notification-policy';
import { NotificationRepository } from './notification.repository';
import {
  ConversationNotificationOverride,
  NOTIFY_LEVELS,
  NotificationDefaults,
  NotifyLevel,
  QuietHours,
  defaultNotificationDefaults,
} from './notification-settings';
import { TenantRepository } from '../tenancy/tenant.repository';
import { PushDevice, TenantNotificationOptions } from './push-device';
import { PushSender } from './push-sender.port';
import { HostResolver } from '../shared/host-resolver.port';
import { allowedTargets } from '../shared/network/address-ranges';

const MAX_ENDPOINT_LENGTH = 1024;
const MAX_LABEL_LENGTH = 64;
const MAX_DELAY_SECONDS = 3600;

export interface PushDeviceInput {
  endpoint: string;
  p256dh: string;
  auth: string;
  label?: string | null;
}

export interface NotificationDefaultsPatch {
  levels?: Partial<Record<ConversationKind, NotifyLevel>>;
  timeZone?: string;
  /** null clears the quiet hours. */
  quietHours?: QuietHours | null;
  onlyIfUnread?: boolean;
  delaySeconds?: number;
}

const base64urlBytes = (value: unknown): number | null =>
  typeof value === 'string' && value.length <= 200 && /^[A-Za-z0-9_-]+={0,2}$/.test(value)
    ? Buffer.from(value, 'base64url').length
    : null;

/** A user's push devices and notification settings. */
@UseCase()
export class ManageNotifications {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly access: ConversationAccess,
    private readonly queue: NotificationQueue,
    private readonly sender: PushSender,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly tenants: TenantRepository,
    private readonly hosts: HostResolver,
  ) {}

  /** Operators: a tenant's notification options (e.g. leave message text out of pushes). */
  async setTenantOptions(
    tenantId: string,
    options: TenantNotificationOptions,
  ): Promise<TenantNotificationOptions> {
    if (!(await this.tenants.findById(tenantId))) throw notFound('tenant');
    await this.notifications.saveTenantOptions(tenantId, options);
    return options;
  }

  /** The key browsers subscribe with (`applicationServerKey`). */
  vapidPublicKey(): string {
    return this.sender.publicKey();
  }

  /** Registers (or refreshes) this device's push subscription. */
  async registerDevice(actor: Actor, input: PushDeviceInput): Promise<PushDevice> {
    if (!this.sender.publicKey())
      throw new DomainError('FORBIDDEN', 'push notifications are not configured on this server');
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const endpoint = this.checkEndpoint(input.endpoint);
    await this.checkEndpointAddress(endpoint);
    if (base64urlBytes(input.p256dh) !== 65 || !input.p256dh.startsWith('B'))
      throw invalid('p256dh', 'p256dh must be an uncompressed P-256 public key, base64url');
    if (base64urlBytes(input.auth) !== 16)
      throw invalid('auth', 'auth must be a 16-byte secret, base64url');
    const label = (input.label ?? '')
      .replace(/\p{Cc}/gu, '')
      .trim()
      .slice(0, MAX_LABEL_LENGTH);
    return this.notifications.savePushDevice({
      id: newId(),
      tenantId: actor.tenantId,
      userId: actor.userId,
      kind: 'WEB_PUSH',
      appId: null,
      endpoint,
      p256dh: input.p256dh.replace(/=+$/, ''),
      auth: input.auth.replace(/=+$/, ''),
      label: label || 'Browser',
      createdAt: this.clock.now(),
      lastSuccessAt: null,
    });
  }

  /**
   * Registers a native app's pushkey, delivered through the deployment's push gateway (Matrix
   * Sygnal style; the gateway holds the APNs/FCM credentials for `appId`).
   */
  async registerGatewayDevice(
    actor: Actor,
    input: { appId: string; pushkey: string; label?: string | null },
  ): Promise<PushDevice> {
    if (!this.settings.pushGatewayConfigured)
      throw new DomainError('FORBIDDEN', 'no push gateway is configured on this server');
    await enforceWriteLimit(this.limiter, this.settings, actor);
    if (typeof input.appId !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(input.appId))
      throw invalid('appId', 'appId is 1–128 characters of A–Z, a–z, 0–9, . _ -');
    if (typeof input.pushkey !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(input.pushkey))
      throw invalid('pushkey', 'pushkey is 1–512 printable ASCII characters');
    const label = (input.label ?? '')
      .replace(/\p{Cc}/gu, '')
      .trim()
      .slice(0, MAX_LABEL_LENGTH);
    return this.notifications.savePushDevice({
      id: newId(),
      tenantId: actor.tenantId,
      userId: actor.userId,
      kind: 'GATEWAY',
      appId: input.appId,
      endpoint: input.pushkey,
      p256dh: '',
      auth: '',
      label: label || input.appId,
      createdAt: this.clock.now(),
      lastSuccessAt: null,
    });
  }

  async unregisterDevice(actor: Actor, id: string): Promise<boolean> {
    if (!isWellFormedId(id)) return false;
    return this.notifications.removePushDevice(actor.tenantId, id, actor.userId);
  }

  listDevices(actor: Actor): Promise<PushDevice[]> {
    return this.notifications.listPushDevices(actor.tenantId, actor.userId);
  }

  async defaults(actor: Actor): Promise<NotificationDefaults> {
    return (
      (await this.notifications.getDefaults(actor.tenantId, actor.userId)) ??
      defaultNotificationDefaults(this.settings.notifyDelaySeconds)
    );
  }

  async updateDefaults(
    actor: Actor,
    patch: NotificationDefaultsPatch,
  ): Promise<NotificationDefaults> {
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const current = await this.defaults(actor);
    const levels = { ...current.levels };
    for (const [kind, level] of Object.entries(patch.levels ?? {})) {
      if (!(kind in levels) || !NOTIFY_LEVELS.includes(level as NotifyLevel))
        throw invalid('levels', 'levels are ALL, MENTIONS or NONE per kind of conversation');
      levels[kind as ConversationKind] = level as NotifyLevel;
    }
    const next: NotificationDefaults = {
      levels,
      timeZone: patch.timeZone ?? current.timeZone,
      quietHours: patch.quietHours === undefined ? current.quietHours : patch.quietHours,
      onlyIfUnread: patch.onlyIfUnread ?? current.onlyIfUnread,
      delaySeconds: patch.delaySeconds ?? current.delaySeconds,
    };
    if (!isKnownTimeZone(next.timeZone))
      throw invalid('timeZone', 'timeZone must be an IANA time zone such as Europe/Berlin');
    const problem = quietHoursProblem(next.quietHours);
    if (problem) throw invalid('quietHours', problem);
    if (
      !Number.isInteger(next.delaySeconds) ||
      next.delaySeconds < 0 ||
      next.delaySeconds > MAX_DELAY_SECONDS
    )
      throw invalid(
        'delaySeconds',
        `delaySeconds must be an integer from 0 to ${MAX_DELAY_SECONDS}`,
      );
    await this.notifications.saveDefaults(actor.tenantId, actor.userId, next);
    return next;
  }

  async conversationSettings(
    actor: Actor,
    conversationId: string,
  ): Promise<ConversationNotificationOverride> {
    const { conversation } = await this.access.member(actor, conversationId);
    return this.notifications.getOverride(actor.tenantId, actor.userId, conversation.id);
  }

  /** Sets the level (null: the default) and the mute (null: not muted) of one conversation. */
  async setConversationSettings(
    actor: Actor,
    conversationId: string,
    input: { level: NotifyLevel | null; mutedUntil: Date | null },
  ): Promise<ConversationNotificationOverride> {
    const { conversation } = await this.access.member(actor, conversationId);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    if (input.level !== null && !NOTIFY_LEVELS.includes(input.level))
      throw invalid('level', 'level is ALL, MENTIONS or NONE');
    if (input.mutedUntil !== null && Number.isNaN(input.mutedUntil.getTime()))
      throw invalid('mutedUntil', 'mutedUntil must be a time');
    const override = { level: input.level, mutedUntil: input.mutedUntil };
    await this.notifications.saveOverride(actor.tenantId, actor.userId, conversation.id, override);
    return override;
  }

  /** Queues a test notification to one of the caller's devices, or all of them. */
  async sendTest(actor: Actor, deviceId: string | null): Promise<number> {
    await enforceRateLimit(
      this.limiter,
      `notify-test:${actor.tenantId}:${actor.userId}`,
      this.settings.testNotificationsPerUser,
      'test notifications',
    );
    const devices = (await this.listDevices(actor)).filter(
      (d) => deviceId === null || d.id === deviceId,
    );
    if (deviceId !== null && devices.length === 0) throw notFound('device');
    const now = this.clock.now();
    for (const device of devices)
      await this.queue.enqueue(
        `test:${actor.tenantId}:${device.id}:${now.getTime()}`,
        {
          kind: 'TEST',
          tenantId: actor.tenantId,
          recipientId: actor.userId,
          deviceId: device.id,
          sentAt: now.toISOString(),
        },
        now,
      );
    return devices.length;
  }

  /**
   * A push endpoint must not lead to a private, loopback or link-local address (the server would
   * post to its own network for the user) unless the operator allowed that range. Checked again
   * at connect time by the sender, since DNS may change.
   */
  private async checkEndpointAddress(endpoint: string): Promise<void> {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = await this.hosts.addresses(host);
    } catch {
      throw invalid('endpoint', 'the endpoint host does not resolve');
    }
    const allowed = allowedTargets(this.settings.pushAllowedPrivateRanges);
    if (addresses.length === 0 || addresses.some((a) => !allowed(a)))
      throw invalid('endpoint', 'the endpoint resolves to a private or loopback address');
  }

  private checkEndpoint(value: unknown): string {
    let url: URL;
    try {
      if (typeof value !== 'string' || value.length > MAX_ENDPOINT_LENGTH) throw new Error();
      url = new URL(value);
    } catch {
      throw invalid(
        'endpoint',
        `endpoint must be a URL of at most ${MAX_ENDPOINT_LENGTH} characters`,
      );
    }
    const http = url.protocol === 'http:' && this.settings.pushAllowHttpEndpoints;
    if ((url.protocol !== 'https:' && !http) || url.username || url.password)
      throw invalid('endpoint', 'endpoint must be an https URL of a push service');
    return url.toString();
  }
}
