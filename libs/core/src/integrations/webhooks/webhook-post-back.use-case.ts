import { Actor } from '../../shared/actor';
import { requireBotScope } from '../../shared/bot-grant';
import { DomainError } from '../../shared/domain-error';
import { UseCase } from '../../shared/use-case';
import { SendMessages } from '../../messaging/messages/messages.use-cases';
import { Bot, grantOf } from '../bots/bot';
import { parseWebhookReply } from './webhook-reply';

/** The clientMessageId prefix of post-back messages (which outgoing webhooks do not see). */
export const POST_BACK_ID_PREFIX = 'hook-reply-';

/**
 * Post-back: a receiver's 2xx answer `{"text": "..."}` is sent into the event's conversation as
 * the webhook's bot, through the normal send (the bot's grant and SEND scope, membership, size
 * and word filter, rate limit). Idempotent per event, so a repeated attempt posts once. Its
 * messages are not sent to outgoing webhooks, so two bots cannot answer each other forever.
 */
@UseCase()
export class WebhookPostBack {
  constructor(private readonly messages: SendMessages) {}

  /** Returns why the answer was not posted, or null (posted, or nothing to post). Never throws. */
  async reply(
    bot: Bot,
    conversationId: string,
    eventId: string,
    body: string | null,
    contentType: string | null,
  ): Promise<string | null> {
    const reply = parseWebhookReply(body, contentType);
    if (reply.kind === 'none') return null;
    if (reply.kind === 'invalid') return `reply not posted: ${reply.reason}`;
    const actor: Actor = {
      tenantId: bot.tenantId,
      userId: bot.id,
      sessionId: null,
      grant: grantOf(bot),
    };
    try {
      requireBotScope(actor.grant, 'SEND');
      await this.messages.send(actor, {
        conversationId,
        clientMessageId: `${POST_BACK_ID_PREFIX}${eventId}`,
        body: reply.text,
      });
      return null;
    } catch (e) {
      const why = e instanceof DomainError ? e.message : 'the message could not be sent';
      return `reply not posted: ${why}`.slice(0, 200);
    }
  }
}
