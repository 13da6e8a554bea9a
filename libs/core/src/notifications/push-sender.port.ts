import { PushDevice } from './push-device';

/**
 * What the push service said: accepted; the subscription is gone for good (404/410); or this
 * message was refused and retrying it will not help (other 4xx), the device stays.
 */
export type PushOutcome = 'SENT' | 'GONE' | 'REJECTED';

export interface PushMessage {
  /** The JSON payload (encrypted by the sender); at most MAX_PUSH_PAYLOAD_BYTES. */
  payload: string;
  /** How long the push service may hold it while the device is offline. */
  ttlSeconds: number;
  urgency: 'normal' | 'high';
  /** Replaces an undelivered message with the same topic at the push service (≤ 32 chars). */
  topic?: string;
}

/**
 * Delivers one push message to one device (Web Push with VAPID). Resolves with the outcome;
 * rejects on a failure worth retrying (network, 429, 5xx).
 */
export abstract class PushSender {
  /** The application server's public key (base64url), for clients to subscribe with. */
  abstract publicKey(): string;
  abstract send(device: PushDevice, message: PushMessage): Promise<PushOutcome>;
}
