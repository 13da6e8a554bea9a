import type { ChatEventsSubscription, ConversationFieldsFragment } from '@chatter/client';

/** One item of the `chatEvents` stream, as the SDK's ChatEvents document selects it. */
export type StreamEvent = ChatEventsSubscription['chatEvents'];
export type StreamEventOf<T extends StreamEvent['__typename']> = Extract<
  StreamEvent,
  { __typename: T }
>;

export type MessageAddedEvent = StreamEventOf<'MessageAdded'>;
export type MessageUpdatedEvent = StreamEventOf<'MessageUpdated'>;
export type MembershipChangedEvent = StreamEventOf<'MembershipChanged'>;
export type ConversationChangedEvent = StreamEventOf<'ConversationChanged'>;
export type ReadReceiptEvent = StreamEventOf<'ReadReceipt'>;
export type TypingChangedEvent = StreamEventOf<'TypingChanged'>;
export type PresenceChangedEvent = StreamEventOf<'PresenceChanged'>;
export type DeliveryReceiptEvent = StreamEventOf<'DeliveryReceipt'>;
export type AttachmentUpdatedEvent = StreamEventOf<'AttachmentUpdated'>;
export type CallSignalEvent = StreamEventOf<'CallSignal'>;
export type MessagesExpiredEvent = StreamEventOf<'MessagesExpired'>;
export type ReportResolvedEvent = StreamEventOf<'ReportResolved'>;
export type ThreadStateChangedEvent = StreamEventOf<'ThreadStateChanged'>;

/** Why the server could not resume a conversation from the cursor the SDK held. */
export type ResyncReason =
  | 'NOT_A_MEMBER'
  | 'CURSOR_AHEAD'
  | 'HISTORY_CHANGED'
  | 'TOO_FAR_BEHIND'
  | 'HISTORY_AVAILABLE'
  | (string & {});

export interface ResyncInfo {
  conversationId: string;
  reason: ResyncReason;
  /** The cursor the SDK held (what the application has seen up to), if any. */
  fromSeq: number | undefined;
  /** The conversation as fetched now, or null when the caller can no longer read it. */
  conversation: ConversationFieldsFragment | null;
}

export type ConnectionStatus = 'connecting' | 'online' | 'closed';

type Handler<T> = (event: T) => void | Promise<void>;

/**
 * What `follow()` calls. Handlers run one at a time in stream order and may be async: the next
 * event waits, and a cursor is saved only after its handler returned.
 */
export interface FollowHandlers {
  /** A new message, live or from a gap fill (every message once, in seq order per conversation). */
  message?: Handler<MessageAddedEvent>;
  /** An edit, deletion or reaction change. */
  messageUpdated?: Handler<MessageUpdatedEvent>;
  membership?: Handler<MembershipChangedEvent>;
  conversation?: Handler<ConversationChangedEvent>;
  receipt?: Handler<ReadReceiptEvent>;
  typing?: Handler<TypingChangedEvent>;
  presence?: Handler<PresenceChangedEvent>;
  /** Members' devices received messages up to a seq (the delivered ticks). */
  delivered?: Handler<DeliveryReceiptEvent>;
  /** A file's processing finished (dimensions, thumbnail) or it became a plain file. */
  attachment?: Handler<AttachmentUpdatedEvent>;
  /** A call signal for this device (offer, answer, candidates, end). */
  call?: Handler<CallSignalEvent>;
  /** Disappearing messages were deleted (no tombstone): drop them from what you keep. */
  expired?: Handler<MessagesExpiredEvent>;
  /** One of this user's reports was resolved: the report with its outcome. */
  reportResolved?: Handler<ReportResolvedEvent>;
  /**
   * This user followed, unfollowed or read a thread on another device: the root, whose `thread`
   * holds their state now (following, unread count).
   */
  threadState?: Handler<ThreadStateChangedEvent>;
  /**
   * The server could not resume this conversation from the held cursor (see ResyncReason). The
   * SDK then continues from the conversation's current lastSeq; fetch what you need before it
   * with `client.history()`. Without this handler the conversation resumes silently.
   */
  resync?: Handler<ResyncInfo>;
  /** A handler threw, or a repair failed; following goes on. */
  error?: (error: unknown) => void;
}

/** The conversation a logged event belongs to, and its seq; null for unlogged events. */
export function loggedPosition(event: StreamEvent): { conversationId: string; seq: number } | null {
  switch (event.__typename) {
    case 'MessageAdded':
    case 'MessageUpdated':
      return { conversationId: event.message.conversationId, seq: event.seq };
    case 'MembershipChanged':
      return { conversationId: event.conversation.id, seq: event.seq };
    case 'ConversationChanged':
      return typeof event.logSeq === 'number'
        ? { conversationId: event.conversation.id, seq: event.logSeq }
        : null;
    case 'ReadReceipt':
    case 'DeliveryReceipt':
    case 'MessagesExpired':
    case 'AttachmentUpdated':
    case 'CallSignal':
    case 'ReportResolved':
    case 'ThreadStateChanged':
    case 'TypingChanged':
    case 'PresenceChanged':
    case 'ResyncRequired':
      return null;
  }
}
