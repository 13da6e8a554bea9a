import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Actor } from '../../shared/actor';
import { requireBotScope } from '../../shared/bot-grant';
import { Clock } from '../../shared/clock';
import { AuditTrail } from '../../moderation/audit-trail';
import { DomainError, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, newId } from '../../shared/ids';
import { UseCase } from '../../shared/use-case';
import { enforceRateLimit } from '../../limits/rate-limit';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { ConversationAccess } from '../../messaging/conversation-access';
import { Message } from '../../messaging/message';
import { SendMessages } from '../../messaging/messages/messages.use-cases';
import { grantOf } from '../bots/bot';
import { BotRepository } from '../bots/bot.repository';
import { IncomingWebhook } from './incoming-webhook';
import { IncomingWebhookRepository } from './incoming-webhook.repository';

/** Posts through one incoming webhook: this many a minute (besides the bot's own send limit). */
export const INCOMING_WEBHOOK_PER_MINUTE = 60;

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Incoming webhooks: a bot creates and revokes them; anyone with the URL posts as the bot. */
@UseCase()
export class IncomingWebhooks {
  constructor(
    private readonly hooks: IncomingWebhookRepository,
    private readonly bots: BotRepository,
    private readonly access: ConversationAccess,
    private readonly messages: SendMessages,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  /** Returns the hook and its secret (shown once); the URL is `/hooks/incoming/<id>/<secret>`. */
  async create(
    actor: Actor,
    conversationId: string,
  ): Promise<{ hook: IncomingWebhook; secret: string }> {
    if (!actor.grant) throw new DomainError('FORBIDDEN', 'only bot accounts have webhooks');
    requireBotScope(actor.grant, 'SEND');
    await this.access.member(actor, conversationId);
    const secret = randomBytes(24).toString('base64url');
    const hook = await this.hooks.create({
      id: newId(),
      tenantId: actor.tenantId,
      botId: actor.userId,
      conversationId,
      secretHash: hash(secret),
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    await this.audit.record({
      tenantId: actor.tenantId,
      actorId: actor.userId,
      targetUserId: actor.userId,
      action: 'INCOMING_WEBHOOK_CREATED',
      conversationId,
      details: { webhookId: hook.id },
    });
    return { hook, secret };
  }

  list(actor: Actor): Promise<IncomingWebhook[]> {
    if (!actor.grant) throw new DomainError('FORBIDDEN', 'only bot accounts have webhooks');
    return this.hooks.listByBot(actor.tenantId, actor.userId);
  }

  async revoke(actor: Actor, id: string): Promise<IncomingWebhook> {
    if (!actor.grant) throw new DomainError('FORBIDDEN', 'only bot accounts have webhooks');
    const hook = isWellFormedId(id)
      ? await this.hooks.revoke(actor.tenantId, actor.userId, id, this.clock.now())
      : null;
    if (!hook) throw notFound('webhook');
    await this.audit.record({
      tenantId: actor.tenantId,
      actorId: actor.userId,
      targetUserId: actor.userId,
      action: 'INCOMING_WEBHOOK_REVOKED',
      conversationId: hook.conversationId,
      details: { webhookId: hook.id },
    });
    return hook;
  }

  /**
   * A post to the URL (a Slack-compatible subset: `text`; `username` and `icon_url` are
   * accepted and ignored, the bot's own name shows). Unknown, revoked or wrong-secret URLs are
   * all NOT_FOUND; the bot must still be a live member allowed to SEND.
   */
  async post(id: string, secret: string, payload: unknown): Promise<Message> {
    const hook = isWellFormedId(id) ? await this.hooks.findById(id) : null;
    if (!hook || hook.revokedAt || typeof secret !== 'string' || !matches(secret, hook.secretHash))
      throw notFound('webhook');
    await enforceRateLimit(
      this.limiter,
      `hook:in:${hook.id}`,
      { limit: INCOMING_WEBHOOK_PER_MINUTE, windowMs: 60_000 },
      'posts to this webhook',
    );
    const bot = await this.bots.findById(hook.tenantId, hook.botId);
    if (!bot || bot.revokedAt) throw notFound('webhook');
    const text = (payload as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw invalid('text', 'send JSON {"text": "..."}');
    const actor: Actor = {
      tenantId: hook.tenantId,
      userId: bot.id,
      sessionId: null,
      grant: grantOf(bot),
    };
    requireBotScope(actor.grant, 'SEND');
    const { message } = await this.messages.send(actor, {
      conversationId: hook.conversationId,
      clientMessageId: `hook-${newId()}`,
      body: text,
    });
    return message;
  }
}

function matches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hash(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
