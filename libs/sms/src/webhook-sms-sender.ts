import { DomainError, SmsSender, type SmsMessage } from '@chatter/core';

export interface WebhookSmsOptions {
  url: string;
  timeoutMs: number;
  /** Attempts in all (first try included). */
  attempts?: number;
  /** Base delay between attempts; doubles each time. */
  backoffMs?: number;
}

/**
 * POSTs `{"to","purpose","code","text","tenant"}` as JSON (`code` only for login codes) to the operator's SMS gateway. Retries network
 * errors and 5xx/429 answers; a delivery that still fails is an error the user sees.
 */
export class WebhookSmsSender extends SmsSender {
  constructor(
    private readonly options: WebhookSmsOptions,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    super();
  }

  async send(message: SmsMessage): Promise<void> {
    const attempts = Math.max(1, this.options.attempts ?? 3);
    let lastProblem = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await this.fetchImpl(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            to: message.to,
            purpose: message.purpose,
            ...(message.code === undefined ? {} : { code: message.code }),
            text: message.text,
            tenant: message.tenant,
          }),
          signal: AbortSignal.timeout(this.options.timeoutMs),
          redirect: 'error',
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        lastProblem = `gateway answered ${response.status}`;
        if (response.status < 500 && response.status !== 429) break; // the gateway refused it: retrying will not help
      } catch (error) {
        lastProblem =
          error instanceof Error && error.name === 'TimeoutError'
            ? 'gateway timed out'
            : 'gateway unreachable';
      }
      if (attempt < attempts)
        await new Promise((r) =>
          setTimeout(r, (this.options.backoffMs ?? 200) * 2 ** (attempt - 1)),
        );
    }
    throw new DomainError(
      'SMS_DELIVERY_FAILED',
      `the ${message.purpose === 'login-code' ? 'login code' : 'invitation'} could not be sent (${lastProblem}); try again later`,
    );
  }
}
