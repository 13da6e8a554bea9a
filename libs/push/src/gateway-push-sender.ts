import { PushDevice, PushMessage, PushOutcome, PushSender } from '@chatter/core';
import { pushRequest, RefusedTargetError } from './push-request';
import { PushRetryableError } from './web-push-sender';

export interface GatewayPushSenderOptions {
  /** The gateway's notify URL (Sygnal: `https://sygnal.example.com/_matrix/push/v1/notify`). */
  url: string;
  timeoutMs?: number;
  /** Whether the sender may connect to an address (default: public addresses only). */
  allowTarget?: (address: string) => boolean;
}

/** Our push payload (libs/core notification-payload.ts), as far as the gateway needs it. */
interface Payload {
  type?: string;
  title?: string;
  body?: string;
  conversationId?: string | null;
  messageId?: string | null;
  mention?: boolean;
  badge?: number | null;
}

/**
 * Native apps through a push gateway in the style of Matrix Sygnal (the Push Gateway API):
 * one JSON POST per device naming the app id and pushkey; the gateway holds the APNs/FCM
 * credentials. A pushkey the gateway lists in `rejected` is gone. The gateway's address is
 * checked at connect time like a Web Push endpoint's.
 */
export class GatewayPushSender extends PushSender {
  constructor(private readonly options: GatewayPushSenderOptions) {
    super();
  }

  publicKey(): string {
    return '';
  }

  async send(device: PushDevice, message: PushMessage): Promise<PushOutcome> {
    let payload: Payload;
    try {
      payload = JSON.parse(message.payload) as Payload;
    } catch {
      payload = {};
    }
    const body = {
      notification: {
        event_id: payload.messageId ?? undefined,
        room_id: payload.conversationId ?? undefined,
        type: payload.type === 'TEST' ? 'chatter.test' : 'm.room.message',
        sender_display_name: payload.title,
        prio: message.urgency === 'high' ? 'high' : 'low',
        content: payload.body ? { msgtype: 'm.text', body: payload.body } : undefined,
        user_is_target: payload.mention ?? false,
        counts:
          payload.badge !== null && payload.badge !== undefined ? { unread: payload.badge } : {},
        devices: [
          {
            app_id: device.appId,
            pushkey: device.endpoint,
            pushkey_ts: Math.floor(device.createdAt.getTime() / 1000),
            data: {},
            tweaks: {},
          },
        ],
      },
    };
    let response: { status: number; body: string };
    try {
      response = await pushRequest(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.options.timeoutMs ?? 10_000,
        ...(this.options.allowTarget ? { allowTarget: this.options.allowTarget } : {}),
      });
    } catch (error) {
      if (error instanceof RefusedTargetError) return 'REJECTED';
      throw new PushRetryableError(`push gateway request failed: ${String(error)}`, null);
    }
    if (response.status === 429 || response.status >= 500)
      throw new PushRetryableError(`push gateway answered ${response.status}`, response.status);
    if (response.status < 200 || response.status >= 300) return 'REJECTED';
    let answer: { rejected?: unknown } = {};
    try {
      answer = JSON.parse(response.body) as { rejected?: unknown };
    } catch {
      answer = {};
    }
    return Array.isArray(answer.rejected) && answer.rejected.includes(device.endpoint)
      ? 'GONE'
      : 'SENT';
  }
}

/** Sends each device through the sender for its kind (Web Push, or the gateway when configured). */
export class RoutingPushSender extends PushSender {
  constructor(
    private readonly webPush: PushSender,
    private readonly gateway: PushSender | null,
  ) {
    super();
  }

  publicKey(): string {
    return this.webPush.publicKey();
  }

  async send(device: PushDevice, message: PushMessage): Promise<PushOutcome> {
    if (device.kind === 'GATEWAY')
      return this.gateway ? this.gateway.send(device, message) : 'REJECTED';
    return this.webPush.send(device, message);
  }
}
