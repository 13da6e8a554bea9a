import { PushDevice, PushMessage, PushOutcome, PushSender } from '@chatter/core';
import webpush from 'web-push';
import { VapidKeys } from './vapid-keys';

export interface WebPushSenderOptions {
  keys: VapidKeys;
  /** `mailto:` or `https:` contact the push services may reach the operator at. */
  subject: string;
  /** Per request. */
  timeoutMs?: number;
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
 * `web-push` library encrypts and signs, and the request goes out through fetch with a timeout.
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
      const response = await fetch(details.endpoint, {
        method: details.method,
        headers,
        body: details.body ? new Uint8Array(details.body) : undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      throw new PushRetryableError(`push request failed: ${String(error)}`, null);
    }
    if (status >= 200 && status < 300) return 'SENT';
    if (status === 404 || status === 410) return 'GONE';
    if (status === 429 || status >= 500)
      throw new PushRetryableError(`push service answered ${status}`, status);
    return 'REJECTED';
  }
}
