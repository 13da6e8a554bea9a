// @chatter/sdk: a typed client for Chatter apps and bots. The generated operations and types
// of the committed schema are re-exported, so `client.request(SomeDocument, vars)` is typed.
export * from '@chatter/client';
export { ChatterClient, type ChatterClientOptions } from './chatter-client';
export {
  MemoryCursorStorage,
  LocalStorageCursorStorage,
  parseCursors,
  type CursorStorage,
  type Cursors,
  type KeyValueStore,
} from './cursor-storage';
export { ChatterError, NetworkError, isRetryable } from './errors';
export { backoffDelay, type BackoffOptions } from './backoff';
export {
  Outbox,
  newClientMessageId,
  type SendInput,
  type PendingMessage,
  type PendingStatus,
  type SendOutcome,
  type Sender,
  type OutboxOptions,
  type OutboxStore,
} from './outbox';
export type { FollowOptions } from './follower';
export { documentHash, persistedQueryExtensions } from './persisted';
export {
  executeOverSocket,
  SOCKET_OPERATION_TIMEOUT_MS,
  type SocketResult,
} from './socket-operations';
export { SeqTracker, type SeqVerdict } from './seq-tracker';
export { tokenExpiry, type TokenOption, type SessionTokens } from './token-source';
export type { FetchLike } from './graphql-http';
export type {
  ConnectionStatus,
  FollowHandlers,
  ResyncInfo,
  ResyncReason,
  StreamEvent,
  StreamEventOf,
  MessageAddedEvent,
  MessageUpdatedEvent,
  MembershipChangedEvent,
  ConversationChangedEvent,
  ReadReceiptEvent,
  TypingChangedEvent,
  PresenceChangedEvent,
  DeliveryReceiptEvent,
  AttachmentUpdatedEvent,
  CallSignalEvent,
  MessagesExpiredEvent,
  ReportResolvedEvent,
  ThreadStateChangedEvent,
} from './stream-events';
