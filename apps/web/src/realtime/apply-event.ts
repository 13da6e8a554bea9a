// Applies one chatEvents payload to the client state. Plain function over explicit inputs so
// it can be unit-tested against a real InMemoryCache without any socket.
import type { ApolloCache } from '@apollo/client';
import type { DocumentNode } from 'graphql';
import type { ChatEventsSubscription } from '@chatter/client';
import type { SeqTracker } from './seq-tracker';
import type { TypingStore } from './typing-store';
import type { ReceiptStore } from './receipt-store';
import {
  addThreadReply,
  addConversationToList,
  bumpConversation,
  conversationCacheId,
  dropMemberList,
  markReadInDirect,
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
  tracker: SeqTracker;
  typing: TypingStore;
  receipts: ReceiptStore;
  /** The conversation on screen and visible: its new messages are read, not unread. */
  viewingConversationId: () => string | null;
  /** Missed seqs (afterSeq, beforeSeq) exclusive: fetch `messages(after)` to fill them. */
  fillGap: (conversationId: string, afterSeq: number, beforeSeq: number) => void;
  /** A conversation we do not hold yet (a new DM, added to a group): fetch it. */
  fetchConversation: (conversationId: string) => void;
  /** Replay impossible: refetch the conversation and its history. */
  resync: (conversationId: string) => void;
  /** A message from someone else reached this client. */
  delivered?: (conversationId: string, seq: number) => void;
  /** A call signal for this device (calls/ handles it). */
  callSignal?: (signal: Extract<ChatEvent, { __typename: 'CallSignal' }>) => void;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'gap' | 'ignored';

/** Handles the seq bookkeeping shared by ordered events. */
function order(ctx: ApplyContext, conversationId: string, seq: number): ApplyOutcome {
  const verdict = ctx.tracker.observe(conversationId, seq);
  switch (verdict.kind) {
    case 'duplicate':
      return 'duplicate';
    case 'gap':
      ctx.fillGap(conversationId, verdict.afterSeq, verdict.beforeSeq);
      return 'gap';
    case 'apply':
      return 'applied';
  }
}

export function applyChatEvent(ctx: ApplyContext, event: ChatEvent): ApplyOutcome {
  const { cache } = ctx;
  switch (event.__typename) {
    case 'CallSignal':
      ctx.callSignal?.(event);
      return 'applied';
    case 'MessageAdded': {
      const m = event.message;
      const outcome = order(ctx, m.conversationId, event.seq);
      if (outcome === 'duplicate') return outcome;
      const mine = m.sender.id === ctx.myUserId;
      // A thread reply lives in its thread; the root's summary comes as its own update.
      if (m.threadRootId) {
        addThreadReply(cache, m);
        if (!mine) ctx.delivered?.(m.conversationId, m.seq);
        return outcome;
      }
      upsertMessageInList(cache, m);
      const known = bumpConversation(cache, m, {
        mine,
        countUnread: ctx.viewingConversationId() !== m.conversationId,
      });
      if (!known) ctx.fetchConversation(m.conversationId);
      ctx.typing.clearUser(m.conversationId, m.sender.id);
      if (!mine) ctx.delivered?.(m.conversationId, m.seq);
      return outcome;
    }
    case 'MessageUpdated': {
      const outcome = order(ctx, event.message.conversationId, event.seq);
      if (outcome === 'duplicate') return outcome;
      writeMessage(cache, event.message);
      return outcome;
    }
    case 'ConversationChanged': {
      const c = event.conversation;
      if (event.logSeq != null) {
        const outcome = order(ctx, c.id, event.logSeq);
        if (outcome === 'duplicate') return outcome;
      }
      writeConversation(cache, c);
      addConversationToList(cache, c);
      return 'applied';
    }
    case 'MembershipChanged': {
      const c = event.conversation;
      const me = event.userId === ctx.myUserId;
      const outcome = order(ctx, c.id, event.seq);
      if (outcome === 'duplicate') return outcome;
      if (me && (event.change === 'REMOVED' || event.change === 'LEFT')) {
        // The chat stays, read-only, with what it holds (docs/history-visibility.md): the event's
        // conversation says so (viewerIsMember false, viewerExit); the stream keeps its cursor.
        writeConversation(cache, c);
        return outcome;
      }
      addConversationToList(cache, c);
      // The member list changed: let an open details panel fetch it again.
      dropMemberList(cache, c.id);
      return outcome;
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
      ctx.resync(event.conversationId);
      return 'applied';
    case 'AttachmentUpdated':
      writeAttachment(cache, event.attachment);
      return 'applied';
  }
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
