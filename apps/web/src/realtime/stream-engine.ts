// What the realtime session loads once it starts streaming (a lazily loaded chunk): the SDK's
// client (socket, cursors, gap fill, resync, sends over the socket) and the event handling.
// Named re-exports, so the chunk holds only what they need.
export { ChatterClient, MemoryCursorStorage } from '@chatter/sdk';
export { applyChatEvent, applyResync } from './apply-event';
export { addMissingConversations, fetchConversation } from './fetch-conversation';
