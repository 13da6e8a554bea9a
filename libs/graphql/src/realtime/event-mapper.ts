import { ConversationRepository, RealtimeEvent, StreamItem, UserRepository } from '@chatter/core';
import {
  ChatEventObject,
  ConversationChangedModel,
  MembershipChangedModel,
  MessageAddedModel,
  MessageUpdatedModel,
  PresenceChangedModel,
  ReadReceiptModel,
  ResyncRequiredModel,
  TypingChangedModel,
} from '../models/chat-event.model';
import { MembershipChangeEnum } from '../models/enums';

function make<T extends object>(Type: new () => T, fields: Partial<T>): T {
  return Object.assign(new Type(), fields);
}

/**
 * Turns a stream item into the GraphQL event object (domain parents; viewer-specific fields
 * are resolved at execution). The result depends only on the event, so it can be shared by all
 * local subscribers.
 */
export async function toChatEvent(
  item: Exclude<StreamItem, { kind: 'close' }>,
  repos: { conversations: ConversationRepository; users: UserRepository },
): Promise<ChatEventObject | null> {
  if (item.kind === 'resync') {
    return make(ResyncRequiredModel, { conversationId: item.conversationId, reason: item.reason });
  }
  const event: RealtimeEvent = item.event;
  switch (event.type) {
    case 'MESSAGE_ADDED':
      return make(MessageAddedModel, { message: event.message, seq: event.seq });
    case 'MESSAGE_UPDATED':
      return make(MessageUpdatedModel, { message: event.message, seq: event.seq });
    case 'READ_RECEIPT':
      return make(ReadReceiptModel, { conversationId: event.conversationId, userId: event.userId, seq: event.seq });
    case 'MEMBERSHIP_CHANGED': {
      const conversation = await repos.conversations.findById(event.tenantId, event.conversationId);
      if (!conversation) return null;
      return make(MembershipChangedModel, {
        conversation,
        userId: event.userId,
        change: event.change as MembershipChangeEnum,
        seq: event.seq,
      });
    }
    case 'CONVERSATION_CHANGED':
    case 'MEMBER_SETTINGS_CHANGED': {
      const conversation = await repos.conversations.findById(event.tenantId, event.conversationId);
      if (!conversation) return null;
      return make(ConversationChangedModel, { conversation, logSeq: event.type === 'CONVERSATION_CHANGED' ? event.seq : null });
    }
    case 'TYPING': {
      const user = await repos.users.findById(event.tenantId, event.userId);
      return user ? make(TypingChangedModel, { conversationId: event.conversationId, user, typing: event.typing }) : null;
    }
    // A profile change reaches clients as PresenceChanged with the user as it now is.
    case 'PROFILE_CHANGED':
    case 'PRESENCE': {
      const user = await repos.users.findById(event.tenantId, event.userId);
      return user ? make(PresenceChangedModel, { user }) : null;
    }
    case 'SESSION_REVOKED':
    case 'BLOCKS_CHANGED':
      return null;
  }
}
