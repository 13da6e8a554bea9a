import { Clock } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { UseCase } from '../../shared/use-case';
import { Bot } from '../bots/bot';
import { BotRepository } from '../bots/bot.repository';
import { Webhook, WebhookDeliveryStatus } from './webhook';
import { QueuedWebhookDelivery, WebhookQueueRepository } from './webhook-queue.repository';
import { WebhookRepository } from './webhook.repository';
import { WebhookPostBack } from './webhook-post-back.use-case';
import { WebhookRetryPolicy } from './webhook-retry-policy';
import { signWebhook } from './webhook-signature';
import { WebhookResponse, WebhookTransport } from './webhook-transport.port';

interface Outcome {
  status: WebhookDeliveryStatus;
  responseStatus: number | null;
  error: string | null;
}

/**
 * Outgoing webhooks, second half: claims due deliveries from the durable queue (a lease per
 * attempt, so instances never send one attempt together and a stopped instance's attempt is
 * claimed again when its lease runs out), sends each signed, and settles it: a 2xx is delivered
 * (and may post back), a 410 disables the webhook, anything else is retried with exponential
 * backoff until the last attempt, which leaves a DEAD record. Every attempt is logged.
 */
@UseCase()
export class SendDueWebhooks {
  /** This instance's name on the leases it takes. */
  readonly owner = `sender_${newId()}`;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly queue: WebhookQueueRepository,
    private readonly bots: BotRepository,
    private readonly transport: WebhookTransport,
    private readonly postBack: WebhookPostBack,
    private readonly policy: WebhookRetryPolicy,
    private readonly clock: Clock,
  ) {}

  /** Sends up to `limit` due deliveries (concurrently); returns how many it claimed. */
  async sendDue(limit: number): Promise<number> {
    const now = this.clock.now();
    const claimed = await this.queue.claimDue(
      now,
      this.owner,
      new Date(now.getTime() + this.policy.leaseMs),
      limit,
    );
    // Every attempt settles before this returns (shutdown waits for it); one that failed on the
    // store keeps its lease, which runs out, and the attempt is made again.
    const results = await Promise.allSettled(claimed.map((d) => this.attempt(d)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return claimed.length;
  }

  private async attempt(d: QueuedWebhookDelivery): Promise<void> {
    const hook = await this.webhooks.findById(d.tenantId, d.webhookId);
    if (!hook) {
      await this.queue.remove(d.tenantId, d.id, this.owner);
      return;
    }
    const bot = await this.bots.findById(hook.tenantId, hook.botId);
    if (hook.disabledAt || !bot || bot.revokedAt) {
      await this.queue.remove(d.tenantId, d.id, this.owner);
      const why = hook.disabledAt ? 'webhook disabled' : 'bot revoked';
      await this.log(hook, d, { status: 'FAILED', responseStatus: null, error: why });
      return;
    }
    let response: WebhookResponse | null = null;
    let error: string | null = null;
    try {
      response = await this.send(hook, d);
    } catch (e) {
      error = e instanceof Error ? e.message.slice(0, 200) : 'delivery failed';
    }
    const status = response?.status ?? null;
    if (response && status !== null && status >= 200 && status < 300) {
      await this.webhooks.recordSuccess(hook.tenantId, hook.id);
      const replyError = await this.replied(bot, d, response);
      await this.queue.remove(d.tenantId, d.id, this.owner);
      await this.log(hook, d, { status: 'DELIVERED', responseStatus: status, error: replyError });
      return;
    }
    if (status === 410) {
      // 410 Gone: the receiver asks for no more.
      await this.webhooks.disable(hook.tenantId, hook.id, 'GONE', this.clock.now());
      await this.queue.remove(d.tenantId, d.id, this.owner);
      await this.log(hook, d, {
        status: 'FAILED',
        responseStatus: 410,
        error: 'receiver answered 410 Gone: webhook disabled',
      });
      return;
    }
    const delay = this.policy.delayAfter(d.attempt);
    if (delay !== null) {
      const at = new Date(this.clock.now().getTime() + delay);
      await this.queue.reschedule(d.tenantId, d.id, this.owner, d.attempt + 1, at);
      await this.log(hook, d, { status: 'RETRYING', responseStatus: status, error });
      return;
    }
    await this.queue.markDead(d.tenantId, d.id, this.owner);
    await this.log(hook, d, { status: 'DEAD', responseStatus: status, error });
    await this.webhooks.recordFailure(
      hook.tenantId,
      hook.id,
      this.policy.disableAfterFailures,
      this.clock.now(),
    );
  }

  private send(hook: Webhook, d: QueuedWebhookDelivery): Promise<WebhookResponse> {
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    return this.transport.post(
      hook.url,
      {
        'content-type': 'application/json',
        'webhook-id': d.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(hook.secret, d.eventId, timestamp, d.body),
      },
      d.body,
    );
  }

  private async replied(
    bot: Bot,
    d: QueuedWebhookDelivery,
    response: WebhookResponse,
  ): Promise<string | null> {
    try {
      return await this.postBack.reply(
        bot,
        d.conversationId,
        d.eventId,
        response.body,
        response.contentType,
      );
    } catch {
      return 'reply not posted';
    }
  }

  private async log(hook: Webhook, d: QueuedWebhookDelivery, outcome: Outcome): Promise<void> {
    try {
      await this.webhooks.addDelivery({
        id: newId(),
        tenantId: hook.tenantId,
        webhookId: hook.id,
        eventId: d.eventId,
        eventType: d.eventType,
        attempt: d.attempt,
        ...outcome,
        at: this.clock.now(),
      });
    } catch {
      // The log is best effort; the queue holds the delivery's state.
    }
  }
}
