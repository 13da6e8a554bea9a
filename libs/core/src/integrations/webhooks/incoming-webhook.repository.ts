import { TenantId, UserId } from '../../shared/ids';
import { IncomingWebhook } from './incoming-webhook';

/** Incoming webhooks. `findById` is by id alone: the URL names no tenant. */
export abstract class IncomingWebhookRepository {
  abstract create(hook: IncomingWebhook): Promise<IncomingWebhook>;
  abstract findById(id: string): Promise<IncomingWebhook | null>;
  /** A bot's incoming webhooks, oldest first. */
  abstract listByBot(tenantId: TenantId, botId: UserId): Promise<IncomingWebhook[]>;
  /** Idempotent, keeps the first time; null when the bot has no such hook. */
  abstract revoke(
    tenantId: TenantId,
    botId: UserId,
    id: string,
    at: Date,
  ): Promise<IncomingWebhook | null>;
}
