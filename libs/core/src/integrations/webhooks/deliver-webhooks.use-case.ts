import { Clock } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { UseCase } from '../../shared/use-case';
import { MessageEventObserver } from '../../events/message-event-observer.port';
import { Conversation } from '../../messaging/conversation';
import { ConversationRepository } from '../../messaging/conversation.repository';
import { Message } from '../../messaging/message';
import { grantCoversConversation } from '../../shared/bot-grant';
import { grantOf } from '../bots/bot';
import { BotRepository } from '../bots/bot.repository';
import { Webhook, WebhookEventType } from './webhook';
import { WebhookFanOutFailures } from './webhook-fan-out-failures.port';
import { WebhookQueueRepository } from './webhook-queue.repository';
import { WebhookRepository } from './webhook.repository';
import { POST_BACK_ID_PREFIX } from './webhook-post-back.use-case';

/**
 * Waits before the 2nd, 3rd and 4th try of a fan-out that failed on the store (a failover or a
 * busy database): about 10 s in all before the event is given up and reported.
 */
const FAN_OUT_RETRY_DELAYS_MS = [250, 1_500, 8_000];

/** One webhook's delivery of one event: the same ids on every try, so a retry stores it once. */
interface PlannedDelivery {
  id: string;
  eventId: string;
  at: Date;
}

/**
 * Outgoing webhooks, first half: for every stored message change, each enabled webhook that chose
 * its conversation and event gets a delivery in the durable queue, while its bot is still a member
 * (from the bot's history start on) and its token is live. `SendDueWebhooks` sends them, from any
 * instance, with retries that survive restarts.
 */
@UseCase()
export class DeliverWebhooks extends MessageEventObserver {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly queue: WebhookQueueRepository,
    private readonly bots: BotRepository,
    private readonly conversations: ConversationRepository,
    private readonly clock: Clock,
    private readonly failures: WebhookFanOutFailures,
  ) {
    super();
  }

  override messageLogged(
    conversation: Conversation,
    kind: 'MESSAGE_ADDED' | 'MESSAGE_UPDATED',
    message: Message,
  ): void {
    const type: WebhookEventType =
      kind === 'MESSAGE_ADDED'
        ? 'message.created'
        : message.deletedAt
          ? 'message.deleted'
          : 'message.edited';
    this.fanOutRetrying(conversation, type, message).catch((error: unknown) =>
      this.failures.report(error, {
        type,
        tenantId: conversation.tenantId,
        conversationId: conversation.id,
        messageId: message.id,
      }),
    );
  }

  /**
   * `fanOut`, tried again after a store failure: every try plans the same ids for the same
   * webhook and a stored delivery is not stored twice, so webhooks queued by an earlier try get
   * the event once. Rejects with the last failure once the tries are used up.
   */
  async fanOutRetrying(
    conversation: Conversation,
    type: WebhookEventType,
    message: Message,
  ): Promise<void> {
    const planned = new Map<string, PlannedDelivery>();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fanOut(conversation, type, message, planned);
      } catch (error) {
        const delay = FAN_OUT_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) throw error;
        await new Promise<void>((resolve) => this.clock.setTimer(delay, resolve));
      }
    }
  }

  /**
   * Queues the event for every webhook that receives it; resolves once they are stored.
   * `planned` keeps each webhook's delivery ids across tries of one event.
   */
  async fanOut(
    conversation: Conversation,
    type: WebhookEventType,
    message: Message,
    planned = new Map<string, PlannedDelivery>(),
  ): Promise<void> {
    const hooks = await this.webhooks.listForConversation(conversation.tenantId, conversation.id);
    if (hooks.length === 0 || (await this.isPostBack(conversation, message))) return;
    for (const hook of hooks) {
      if (hook.disabledAt || !hook.events.includes(type)) continue;
      if (!(await this.mayReceive(hook, message))) continue;
      let plan = planned.get(hook.id);
      if (!plan) {
        plan = { id: newId(), eventId: `msg_${newId()}`, at: this.clock.now() };
        planned.set(hook.id, plan);
      }
      const { at } = plan;
      const body = JSON.stringify({
        type,
        timestamp: at.toISOString(),
        data: {
          conversationId: conversation.id,
          conversationKind: conversation.kind,
          seq: message.seq,
          message: {
            id: message.id,
            senderId: message.senderId,
            body: message.body,
            createdAt: message.createdAt.toISOString(),
            editedAt: message.editedAt?.toISOString() ?? null,
            deletedAt: message.deletedAt?.toISOString() ?? null,
          },
        },
      });
      await this.queue.enqueue({
        id: plan.id,
        tenantId: hook.tenantId,
        webhookId: hook.id,
        conversationId: conversation.id,
        eventId: plan.eventId,
        eventType: type,
        body,
        attempt: 1,
        nextAttemptAt: at,
        leaseOwner: null,
        leaseUntil: null,
        status: 'PENDING',
        createdAt: at,
      });
    }
  }

  /** A bot's post-back answer: not delivered, so webhooks cannot answer each other in a loop. */
  private async isPostBack(conversation: Conversation, message: Message): Promise<boolean> {
    if (!message.clientMessageId.startsWith(POST_BACK_ID_PREFIX)) return false;
    return (await this.bots.findById(conversation.tenantId, message.senderId)) !== null;
  }

  private async mayReceive(hook: Webhook, message: Message): Promise<boolean> {
    if (message.senderId === hook.botId) return false; // its own posts are not echoed back
    const [bot, member] = await Promise.all([
      this.bots.findById(hook.tenantId, hook.botId),
      this.conversations.getMember(hook.tenantId, message.conversationId, hook.botId),
    ]);
    if (!bot || bot.revokedAt || !member) return false;
    if (!grantCoversConversation(grantOf(bot), message.conversationId)) return false;
    return message.seq >= member.historyFromSeq;
  }
}
