import { MailSender, OutgoingMail } from '@chatter/core';
import { createTransport, type Transporter } from 'nodemailer';

export interface SmtpMailSenderOptions {
  /** smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://…:465. */
  url: string;
  /** The From header, e.g. `Chatter <chat@example.com>`. */
  from: string;
  timeoutMs?: number;
}

/** Sends notification e-mail through an SMTP server with nodemailer (pooled connections). */
export class SmtpMailSender extends MailSender {
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpMailSenderOptions) {
    super();
    const timeout = options.timeoutMs ?? 15_000;
    this.transport = createTransport({
      url: options.url,
      pool: true,
      maxConnections: 2,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as Parameters<typeof createTransport>[0]);
  }

  configured(): boolean {
    return true;
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.options.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    });
  }

  close(): void {
    this.transport.close();
  }
}
