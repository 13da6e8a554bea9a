import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One mail the local server received, parsed. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Header values by lower-case name, as sent (unfolded), first occurrence. */
  headers: Map<string, string>;
  /** The raw message as sent (for checks of the encoding). */
  raw: string;
  at: Date;
}

/**
 * A local SMTP server for tests (the `smtp-server` package) on a free loopback port: accepts
 * plain-text AUTH with the given user and password, and keeps every mail it receives, parsed.
 */
export class LocalSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private port = 0;

  constructor(
    readonly user = 'chatter',
    readonly password = 'smtp-secret',
  ) {}

  /** `smtp://user:pass@127.0.0.1:port` for SMTP_URL. */
  get url(): string {
    return `smtp://${this.user}:${this.password}@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.user && auth.password === this.password)
          callback(null, { user: auth.username });
        else callback(new Error('invalid credentials'));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((mail) => {
              this.received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                html: typeof mail.html === 'string' ? mail.html : '',
                headers: new Map(
                  [...mail.headerLines].reverse().map(({ key, line }) => [
                    key.toLowerCase(),
                    line
                      .slice(line.indexOf(':') + 1)
                      .replace(/\r?\n[ \t]+/g, ' ')
                      .trim(),
                  ]),
                ),
                raw: raw.toString('utf8'),
                at: new Date(),
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  /** Mails to `address`, oldest first. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  /** Waits until `count` mails to `address` arrived (or fails after `timeoutMs`). */
  async waitFor(address: string, count = 1, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(address).length < count) {
      if (Date.now() > deadline)
        throw new Error(`expected ${count} mail(s) to ${address}, got ${this.to(address).length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.to(address);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
