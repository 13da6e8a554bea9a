import { DomainError } from './domain-error';
import { UserId } from './ids';

/** What a bot token may do: READ (queries, history, the event stream) and SEND (post, edit, delete). */
export type BotScope = 'READ' | 'SEND';
export const BOT_SCOPES: readonly BotScope[] = ['READ', 'SEND'];

/** A token's grant, carried by the actor of every operation a bot token authenticates. */
export interface BotGrant {
  botId: UserId;
  scopes: readonly BotScope[];
  /** The conversations the token may address; null = every conversation the bot is a member of. */
  conversationIds: readonly string[] | null;
}

/** Whether an actor's grant (if any) covers a conversation. Users have no grant: always true. */
export function grantCoversConversation(
  grant: BotGrant | null | undefined,
  conversationId: string,
): boolean {
  return !grant || grant.conversationIds === null || grant.conversationIds.includes(conversationId);
}

/**
 * Refuses an operation outside a bot token's grant (FORBIDDEN). `scope` null means the operation
 * is not open to bots at all (profile changes, creating conversations, managing members, …).
 */
export function requireBotScope(grant: BotGrant | null | undefined, scope: BotScope | null): void {
  if (!grant) return;
  if (scope === null) throw new DomainError('FORBIDDEN', 'bot tokens cannot use this operation');
  if (!grant.scopes.includes(scope))
    throw new DomainError('FORBIDDEN', `this bot token has no ${scope} scope`);
}
