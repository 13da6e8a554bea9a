import { PushOutcome, PushSender } from '@chatter/core';

/** Web Push without keys (cluster mode without VAPID_PUBLIC_KEY): devices cannot register. */
export class UnconfiguredPushSender extends PushSender {
  publicKey(): string {
    return '';
  }

  async send(): Promise<PushOutcome> {
    return 'REJECTED';
  }
}
