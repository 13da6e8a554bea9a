import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, newId } from '../../shared/ids';
import { pageSize } from '../../shared/page';
import { UseCase } from '../../shared/use-case';
import { ConversationAccess } from '../../messaging/conversation-access';
import { AuditTrail } from '../../moderation/audit-trail';
import { WEBHOOK_EVENT_TYPES, Webhook, WebhookDelivery, WebhookEventType } from './webhook';
import { WebhookRepository } from './webhook.repository';
import { newWebhookSecret } from './webhook-signature';

export const MAX_WEBHOOKS_PER_BOT = 20;
export const MAX_WEBHOOK_CONVERSATIONS = 100;
export const MAX_WEBHOOK_URL_LENGTH = 2000;

export interface CreateWebhookInput {
  url: string;
  conversationIds: readonly string[];
  events?: readonly string[] | null;
}

/** A bot's outgoing webhooks: subscribe (secret shown once), list, read the delivery log. */
@UseCase()
export class ManageWebhooks {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly access: ConversationAccess,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  async create(actor: Actor, input: CreateWebhookInput): Promise<Webhook> {
    const botId = requireBot(actor);
    const url = checkUrl(input.url);
    const events = checkEvents(input.events ?? WEBHOOK_EVENT_TYPES);
    const ids = input.conversationIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_WEBHOOK_CONVERSATIONS)
      throw invalid('conversationIds', `1–${MAX_WEBHOOK_CONVERSATIONS} conversations`);
    const conversationIds = [...new Set(ids)];
    // Private conversations included: the bot must be a member of each (and its grant cover it).
    for (const id of conversationIds) await this.access.member(actor, id);
    if ((await this.webhooks.listByBot(actor.tenantId, botId)).length >= MAX_WEBHOOKS_PER_BOT)
      throw invalid('url', `a bot has at most ${MAX_WEBHOOKS_PER_BOT} webhooks`);
    const webhook = await this.webhooks.create({
      id: newId(),
      tenantId: actor.tenantId,
      botId,
      url,
      secret: newWebhookSecret(),
      conversationIds,
      events,
      createdAt: this.clock.now(),
      consecutiveFailures: 0,
      disabledAt: null,
      disabledReason: null,
    });
    await this.audit.record({
      tenantId: actor.tenantId,
      actorId: actor.userId,
      targetUserId: actor.userId,
      action: 'WEBHOOK_CREATED',
      details: {
        webhookId: webhook.id,
        host: new URL(url).host,
        conversations: conversationIds.length,
        events: events.join(','),
      },
    });
    return webhook;
  }

  list(actor: Actor): Promise<Webhook[]> {
    return this.webhooks.listByBot(actor.tenantId, requireBot(actor));
  }

  /** Re-enables a disabled webhook (failure count back to 0); events after this are delivered. */
  async enable(actor: Actor, webhookId: string): Promise<Webhook> {
    const webhook = await this.own(actor, webhookId);
    if (!webhook.disabledAt) return webhook;
    const enabled = await this.webhooks.enable(actor.tenantId, webhook.id);
    if (!enabled) throw notFound('webhook');
    await this.audit.record({
      tenantId: actor.tenantId,
      actorId: actor.userId,
      targetUserId: actor.userId,
      action: 'WEBHOOK_ENABLED',
      details: { webhookId: webhook.id, wasDisabledFor: webhook.disabledReason ?? 'unknown' },
    });
    return enabled;
  }

  async deliveries(
    actor: Actor,
    webhookId: string,
    first: number | null | undefined,
  ): Promise<WebhookDelivery[]> {
    const webhook = await this.own(actor, webhookId);
    return this.webhooks.listDeliveries(actor.tenantId, webhook.id, pageSize(first, 100));
  }

  private async own(actor: Actor, webhookId: string): Promise<Webhook> {
    const botId = requireBot(actor);
    const webhook = isWellFormedId(webhookId)
      ? await this.webhooks.findById(actor.tenantId, webhookId)
      : null;
    if (!webhook || webhook.botId !== botId) throw notFound('webhook');
    return webhook;
  }
}

function requireBot(actor: Actor): string {
  if (!actor.grant) throw new DomainError('FORBIDDEN', 'only bot accounts have webhooks');
  return actor.grant.botId;
}

function checkUrl(raw: string): string {
  if (typeof raw !== 'string' || raw.length > MAX_WEBHOOK_URL_LENGTH)
    throw invalid('url', 'url must be an http(s) URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url', 'url must be an http(s) URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    throw invalid('url', 'url must be an http(s) URL without credentials');
  return url.toString();
}

function checkEvents(events: readonly string[]): WebhookEventType[] {
  if (!Array.isArray(events) || events.length === 0)
    throw invalid('events', 'choose at least one event');
  for (const e of events)
    if (!WEBHOOK_EVENT_TYPES.includes(e as WebhookEventType))
      throw invalid('events', `events must be ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  return WEBHOOK_EVENT_TYPES.filter((e) => events.includes(e));
}
