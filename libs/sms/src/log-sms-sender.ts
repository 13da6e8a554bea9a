import { SmsSender, type SmsMessage } from '@chatter/core';

export interface SmsLogSink {
  warn(message: string): void;
}

/**
 * Development sender: prints the code (or invitation) to the server log instead of sending an SMS. Production
 * refuses it unless explicitly allowed (configuration check).
 */
export class LogSmsSender extends SmsSender {
  constructor(private readonly sink: SmsLogSink) {
    super();
  }

  async send(message: SmsMessage): Promise<void> {
    this.sink.warn(
      message.purpose === 'login-code'
        ? `DEVELOPMENT ONLY (SMS_SENDER=log): login code for ${message.to} in tenant ${message.tenant}: ${message.code}`
        : `DEVELOPMENT ONLY (SMS_SENDER=log): invitation for ${message.to} in tenant ${message.tenant}: ${JSON.stringify(message.text)}`,
    );
  }
}
