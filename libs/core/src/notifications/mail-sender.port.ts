/** One e-mail to send: plain text and HTML bodies, extra headers (e.g. List-Unsubscribe). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** Sends e-mail (SMTP in production). `configured()` is false when no mail server is set up. */
export abstract class MailSender {
  abstract configured(): boolean;
  /** Sends one mail; throws when the server refuses or cannot be reached (the caller retries). */
  abstract send(mail: OutgoingMail): Promise<void>;
}

/** No mail server: e-mail features are off. */
export class UnconfiguredMailSender extends MailSender {
  configured(): boolean {
    return false;
  }

  async send(): Promise<void> {
    throw new Error('no mail server is configured');
  }
}
