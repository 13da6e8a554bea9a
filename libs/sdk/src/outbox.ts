import { SendMessageDocument, type MessageFieldsFragment } from '@chatter/client';
import { backoffDelay, type BackoffOptions } from './backoff';
import { isRetryable } from './errors';
import type { GraphqlHttp } from './graphql-http';

export interface SendInput {
  conversationId: string;
  body: string;
  replyToId?: string | null;
  attachmentIds?: string[] | null;
  /** Defaults to a random UUID; a retry with the same id returns the first message. */
  clientMessageId?: string;
}

export interface PendingSend {
  readonly clientMessageId: string;
  readonly input: Readonly<SendInput>;
  readonly attempts: number;
}

interface Entry {
  input: SendInput & { clientMessageId: string };
  attempts: number;
  resolve(message: MessageFieldsFragment): void;
  reject(error: unknown): void;
}

export interface OutboxOptions extends BackoffOptions {
  /** Attempts per message before its promise rejects (default: unlimited while not closed). */
  maxAttempts?: number;
  /** Called before each retry wait, for logging or a status line. */
  onRetry?: (pending: PendingSend, error: unknown, delayMs: number) => void;
}

export const newClientMessageId = (): string => globalThis.crypto.randomUUID();

/**
 * Sends in call order, one at a time. A send that fails for a transient reason (no network, 5xx,
 * rate limited) stays at the head of the queue and is retried with the same clientMessageId
 * after a growing delay, so it is stored once whatever the number of attempts; a refusal
 * (invalid input, not a member) rejects that send only.
 */
export class Outbox {
  private readonly queue: Entry[] = [];
  private running = false;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly http: GraphqlHttp,
    private readonly options: OutboxOptions = {},
  ) {}

  send(input: SendInput): Promise<MessageFieldsFragment> {
    if (this.closed) return Promise.reject(new Error('The client is closed.'));
    const clientMessageId = input.clientMessageId ?? newClientMessageId();
    return new Promise((resolve, reject) => {
      this.queue.push({ input: { ...input, clientMessageId }, attempts: 0, resolve, reject });
      void this.run();
    });
  }

  /** Sends still waiting, oldest first. */
  pending(): PendingSend[] {
    return this.queue.map((e) => ({
      clientMessageId: e.input.clientMessageId,
      input: e.input,
      attempts: e.attempts,
    }));
  }

  /** Retries now instead of at the end of the current wait (e.g. the connection came back). */
  retryNow(): void {
    this.wake?.();
  }

  /** Rejects what is still queued. */
  close(): void {
    this.closed = true;
    this.wake?.();
    for (const e of this.queue.splice(0)) e.reject(new Error('The client is closed.'));
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const entry = this.queue[0]!;
        try {
          entry.attempts++;
          const { input } = entry;
          const data = await this.http.request(SendMessageDocument, {
            input: {
              conversationId: input.conversationId,
              body: input.body,
              clientMessageId: input.clientMessageId,
              ...(input.replyToId ? { replyToId: input.replyToId } : {}),
              ...(input.attachmentIds ? { attachmentIds: input.attachmentIds } : {}),
            },
          });
          this.queue.shift();
          entry.resolve(data.sendMessage);
        } catch (error) {
          const limit = this.options.maxAttempts ?? Infinity;
          if (!isRetryable(error) || entry.attempts >= limit) {
            this.queue.shift();
            entry.reject(error);
            continue;
          }
          const delay = backoffDelay(entry.attempts - 1, this.options);
          this.options.onRetry?.(
            {
              clientMessageId: entry.input.clientMessageId,
              input: entry.input,
              attempts: entry.attempts,
            },
            error,
            delay,
          );
          await new Promise<void>((r) => {
            const timer = setTimeout(r, delay);
            this.wake = () => {
              clearTimeout(timer);
              r();
            };
          });
          this.wake = undefined;
        }
      }
    } finally {
      this.running = false;
    }
  }
}
