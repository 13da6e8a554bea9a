import { BotGrant, BotScope, requireBotScope } from '../../shared/bot-grant';

/**
 * The API operations a bot token may call, and the scope each needs. Anything not listed (profile,
 * contacts, creating conversations, managing members, uploads, cross-conversation search) is
 * refused to bots: they act only in conversations people added them to.
 */
export const BOT_OPERATION_SCOPES: Readonly<Record<string, BotScope>> = {
  me: 'READ',
  user: 'READ',
  conversations: 'READ',
  conversation: 'READ',
  messages: 'READ',
  conversationNotices: 'READ',
  chatEvents: 'READ',
  markRead: 'READ',
  markDelivered: 'READ',
  sendMessage: 'SEND',
  editMessage: 'SEND',
  deleteMessage: 'SEND',
  addReaction: 'SEND',
  removeReaction: 'SEND',
  removeLinkPreview: 'SEND',
  setTyping: 'SEND',
  createWebhook: 'READ',
  enableWebhook: 'READ',
  webhooks: 'READ',
  webhookDeliveries: 'READ',
  createIncomingWebhook: 'SEND',
  revokeIncomingWebhook: 'SEND',
  incomingWebhooks: 'READ',
};

/** Refuses (FORBIDDEN) a root operation a bot token's grant does not cover; users pass. */
export function requireBotOperation(grant: BotGrant | null | undefined, operation: string): void {
  if (!grant) return;
  const scope = Object.prototype.hasOwnProperty.call(BOT_OPERATION_SCOPES, operation)
    ? (BOT_OPERATION_SCOPES[operation] ?? null)
    : null;
  requireBotScope(grant, scope);
}
