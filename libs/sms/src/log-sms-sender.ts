import { SmsSender } from '@chatter/core';

export interface SmsLogSink {
  warn(message: string): void;
}

/**
 * Development sender: prints the code to the server log instead of sending an SMS. Production
 * refuses it unless explicitly allowed (configuration check).
 */
export class LogSmsSender extends SmsSender {
  constructor(private readonly sink: SmsLogSink) {
    super();
  }

  async send(message: { to: string; code: string; text: string; tenant: string }): Promise<void> {
    this.sink.warn(
      `DEVELOPMENT ONLY (SMS_SENDER=log): login code for ${message.to} in tenant ${message.tenant}: ${message.code}`,
    );
  }
}
