// Applies one chatEvents payload to the client state, as @chatter/sdk hands it over: in seq order
// per conversation, each once, holes already filled (the SDK's follow() does the ordering and the
// repairs). Plain functions over explicit inputs so they can be unit-tested against a real
// InMemoryCache without any socket.
import type { ApolloCache } from '@apollo/client';
import type { DocumentNode } from 'graphql';
import type { ChatEventsSubscription } from '@chatter/client';
import type { ResyncInfo } from '@chatter/sdk';
import type { TypingStore } from './typing-store';
import type { ReceiptStore } from './receipt-store';
import {
  addThreadReply,
  addConversationToList,
  bumpConversation,
  conversationCacheId,
  dropFollowedThreads,
  dropMemberList,
  dropMessageList,
  markReadInDirect,
  removeConversation,
  purgeMessages,
  setReadPointer,
  upsertMessageInList,
  writeAttachment,
  writeConversation,
  writeMessage,
  writeProfile,
} from './cache-writes';

export type ChatEvent = ChatEventsSubscription['chatEvents'];

export interface ApplyContext {
  cache: ApolloCache<unknown>;
  myUserId: string;
  typing: TypingStore;
  receipts: ReceiptStore;
  /** The conversation on screen and visible: its new messages are read, not unread. */
  viewingConversationId: () => string | null;
  /** A conversation we do not hold yet (a new DM, added to a group): fetch it. */
  fetchConversation: (conversationId: string) => void;
  /** A message from someone else reached this client. */
  delivered?: (conversationId: string, seq: number) => void;
  /** A call signal for this device (calls/ handles it). */
  callSignal?: (signal: Extract<ChatEvent, { __typename: 'CallSignal' }>) => void;
  /** One of my reports was resolved (the report notice shows it). */
  reportResolved?: (event: Extract<ChatEvent, { __typename: 'ReportResolved' }>) => void;
}

export type ApplyOutcome = 'applied' | 'ignored';

export function applyChatEvent(ctx: ApplyContext, event: ChatEvent): ApplyOutcome {
  const { cache } = ctx;
  switch (event.__typename) {
    case 'CallSignal':
      ctx.callSignal?.(event);
      return 'applied';
    case 'MessageAdded': {
      const m = event.message;
      const mine = m.sender.id === ctx.myUserId;
      // A thread reply lives in its thread; the root's summary comes as its own update.
      if (m.threadRootId) {
        addThreadReply(cache, m);
        if (!mine) ctx.delivered?.(m.conversationId, m.seq);
        return 'applied';
      }
      upsertMessageInList(cache, m);
      const known = bumpConversation(cache, m, {
        mine,
        countUnread: ctx.viewingConversationId() !== m.conversationId,
      });
      if (!known) ctx.fetchConversation(m.conversationId);
      ctx.typing.clearUser(m.conversationId, m.sender.id);
      if (!mine) ctx.delivered?.(m.conversationId, m.seq);
      return 'applied';
    }
    case 'MessageUpdated':
      writeMessage(cache, event.message);
      return 'applied';
    case 'ConversationChanged': {
      const c = event.conversation;
      writeConversation(cache, c);
      addConversationToList(cache, c);
      return 'applied';
    }
    case 'MembershipChanged': {
      const c = event.conversation;
      const me = event.userId === ctx.myUserId;
      if (me && (event.change === 'REMOVED' || event.change === 'LEFT')) {
        // The chat stays, read-only, with what it holds (docs/history-visibility.md): the event's
        // conversation says so (viewerIsMember false, viewerExit).
        writeConversation(cache, c);
        return 'applied';
      }
      addConversationToList(cache, c);
      // The member list changed: let an open details panel fetch it again.
      dropMemberList(cache, c.id);
      return 'applied';
    }
    case 'ReadReceipt': {
      if (event.userId === ctx.myUserId) {
        setReadPointer(cache, event.conversationId, event.readSeq);
      } else {
        ctx.receipts.set(event.conversationId, event.userId, event.readSeq);
        const id = conversationCacheId(cache, event.conversationId);
        const kind = id
          ? cache.readFragment<{ kind: string }>({ id, fragment: KIND_FRAGMENT })
          : null;
        if (kind?.kind === 'DIRECT')
          markReadInDirect(cache, event.conversationId, event.userId, event.readSeq);
      }
      return 'applied';
    }
    case 'DeliveryReceipt':
      if (event.userId === ctx.myUserId) return 'ignored';
      ctx.receipts.setDelivered(event.conversationId, event.userId, event.deliveredSeq);
      return 'applied';
    case 'TypingChanged':
      if (event.user.id !== ctx.myUserId)
        ctx.typing.set(event.conversationId, event.user, event.typing);
      return 'applied';
    case 'PresenceChanged':
      // Also a profile change (the server sends PresenceChanged for both).
      return writeProfile(cache, event.user) ? 'applied' : 'ignored';
    case 'ResyncRequired':
      // The SDK handles it and calls applyResync with the refetched conversation.
      return 'ignored';
    case 'AttachmentUpdated':
      writeAttachment(cache, event.attachment);
      return 'applied';
    case 'MessagesExpired':
      return purgeMessages(cache, event.messageIds) > 0 ? 'applied' : 'ignored';
    case 'ReportResolved':
      ctx.reportResolved?.(event);
      return 'applied';
    case 'ThreadStateChanged':
      // Followed, unfollowed or read on another device: the root's thread state, and the
      // followed-threads list fetched again when shown.
      writeMessage(cache, event.root);
      dropFollowedThreads(cache);
      return 'applied';
  }
}

/**
 * The stream could not resume a conversation (the SDK refetched it and goes on from its current
 * lastSeq): its cached history may have holes, so it is dropped and fetched again when opened; a
 * conversation the user can no longer read leaves the list.
 */
export function applyResync(cache: ApolloCache<unknown>, info: ResyncInfo): void {
  if (!info.conversation) {
    removeConversation(cache, info.conversationId);
    return;
  }
  addConversationToList(cache, info.conversation);
  dropMessageList(cache, info.conversationId);
}

// `fragment ConversationKindOnly on Conversation { kind }`, written as its AST: parsing it at run
// time would pull graphql's parser into the first screen's bundle for one line.
const KIND_FRAGMENT = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ConversationKindOnly' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Conversation' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [{ kind: 'Field', name: { kind: 'Name', value: 'kind' } }],
      },
    },
  ],
} as unknown as DocumentNode;
