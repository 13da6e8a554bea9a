import { PushDevice, PushMessage, PushOutcome, PushSender } from '@chatter/core';
import webpush from 'web-push';
import { pushRequest, RefusedTargetError } from './push-request';
import { VapidKeys } from './vapid-keys';

export interface WebPushSenderOptions {
  keys: VapidKeys;
  /** `mailto:` or `https:` contact the push services may reach the operator at. */
  subject: string;
  /** Per request. */
  timeoutMs?: number;
  /** Whether the sender may connect to an address (default: public addresses only). */
  allowTarget?: (address: string) => boolean;
}

/** Raised for a push that may succeed later (network failure, 429, 5xx). */
export class PushRetryableError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'PushRetryableError';
  }
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291): the
 * `web-push` library encrypts and signs, and the request goes out with a timeout to an address
 * checked at connect time (private and loopback addresses only in the operator's allowed ranges:
 * such an endpoint is REJECTED).
 * 404 and 410 mean the subscription is gone; 429 and 5xx are retried; another 4xx (a bad
 * token, a payload too large) is not retried and keeps the device.
 */
export class WebPushSender extends PushSender {
  constructor(private readonly options: WebPushSenderOptions) {
    super();
  }

  publicKey(): string {
    return this.options.keys.publicKey;
  }

  async send(device: PushDevice, message: PushMessage): Promise<PushOutcome> {
    const details = webpush.generateRequestDetails(
      { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
      message.payload,
      {
        vapidDetails: {
          subject: this.options.subject,
          publicKey: this.options.keys.publicKey,
          privateKey: this.options.keys.privateKey,
        },
        TTL: message.ttlSeconds,
        urgency: message.urgency,
        ...(message.topic ? { topic: message.topic } : {}),
        contentEncoding: 'aes128gcm',
      },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
    let status: number;
    try {
      ({ status } = await pushRequest(details.endpoint, {
        method: details.method,
        headers,
        ...(details.body ? { body: new Uint8Array(details.body) } : {}),
        timeoutMs: this.options.timeoutMs ?? 10_000,
        ...(this.options.allowTarget ? { allowTarget: this.options.allowTarget } : {}),
      }));
    } catch (error) {
      if (error instanceof RefusedTargetError) return 'REJECTED';
      throw new PushRetryableError(`push request failed: ${String(error)}`, null);
    }
    if (status >= 200 && status < 300) return 'SENT';
    if (status === 404 || status === 410) return 'GONE';
    if (status === 429 || status >= 500)
      throw new PushRetryableError(`push service answered ${status}`, status);
    return 'REJECTED';
  }
}
