import { RealtimeEvent, StreamItem } from '@chatter/core';
import {
  AttachmentUpdatedModel,
  CallSignalModel,
  ChatEventObject,
  ConversationChangedModel,
  DeliveryReceiptModel,
  MembershipChangedModel,
  MessageAddedModel,
  MessageUpdatedModel,
  MessagesExpiredModel,
  PresenceChangedModel,
  ReadReceiptModel,
  ReportResolvedModel,
  ResyncRequiredModel,
  ThreadStateChangedModel,
  TypingChangedModel,
} from '../models/chat-event.model';
import { MembershipChangeEnum } from '../models/enums';
import { CallEndReasonEnum, CallSignalKindEnum, SdpTypeEnum } from '../models/call.model';

function make<T extends object>(Type: new () => T, fields: Partial<T>): T {
  return Object.assign(new Type(), fields);
}

/**
 * Turns a stream item into the GraphQL event object, from what the event carries only (the
 * message, conversation or user as of the change): no store read. Parents are domain objects;
 * fields that depend on the viewer are resolved per viewer at execution. The result depends
 * only on the event, so it can be shared by all local subscribers.
 */
export function toChatEvent(item: Exclude<StreamItem, { kind: 'close' }>): ChatEventObject | null {
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
      return make(ReadReceiptModel, {
        conversationId: event.conversationId,
        userId: event.userId,
        seq: event.seq,
      });
    case 'DELIVERY_RECEIPT':
      return make(DeliveryReceiptModel, {
        conversationId: event.conversationId,
        userId: event.userId,
        seq: event.seq,
      });
    case 'MESSAGES_EXPIRED':
      return make(MessagesExpiredModel, {
        conversationId: event.conversationId,
        messageIds: event.messageIds,
        fromSeq: event.fromSeq,
        toSeq: event.toSeq,
      });
    case 'MEMBERSHIP_CHANGED':
      return make(MembershipChangedModel, {
        conversation: event.conversation,
        userId: event.userId,
        change: event.change as MembershipChangeEnum,
        seq: event.seq,
      });
    case 'CONVERSATION_CHANGED':
      return make(ConversationChangedModel, {
        conversation: event.conversation,
        logSeq: event.seq,
      });
    case 'MEMBER_SETTINGS_CHANGED':
      return make(ConversationChangedModel, { conversation: event.conversation, logSeq: null });
    case 'TYPING':
      return make(TypingChangedModel, {
        conversationId: event.conversationId,
        user: event.user,
        typing: event.typing,
      });
    // A profile change reaches clients as PresenceChanged with the user as it now is.
    case 'PROFILE_CHANGED':
    case 'PRESENCE':
    case 'PRESENCE_VISIBILITY':
      return make(PresenceChangedModel, { user: event.user });
    case 'ATTACHMENT_UPDATED':
      return make(AttachmentUpdatedModel, {
        conversationId: event.conversationId,
        messageId: event.attachment.messageId,
        attachment: event.attachment,
      });
    case 'CALL':
      return make(CallSignalModel, {
        kind: event.signal.kind as CallSignalKindEnum,
        call: event.signal.call,
        fromUserId: event.signal.fromUserId,
        sdp: event.signal.sdp,
        sdpType: event.signal.sdpType as SdpTypeEnum | null,
        candidates: event.signal.candidates,
        endReason: event.signal.reason as CallEndReasonEnum | null,
      });
    case 'REPORT_RESOLVED':
      return make(ReportResolvedModel, { report: event.report });
    case 'THREAD_STATE_CHANGED':
      return make(ThreadStateChangedModel, {
        conversationId: event.conversationId,
        root: event.root,
      });
    case 'SESSION_REVOKED':
    case 'ACCOUNT_SUSPENDED':
    case 'BLOCKS_CHANGED':
    case 'CONTACTS_CHANGED':
      return null;
  }
}
