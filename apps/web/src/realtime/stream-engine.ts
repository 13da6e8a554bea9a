// What the realtime session loads once it starts streaming (a lazily loaded chunk): the socket
// client, the event handling and the repairs. Named re-exports, so the chunk holds only what they need
// (a dynamic import of 'graphql-ws' itself would keep its server half too).
export { createClient } from 'graphql-ws';
export { applyChatEvent } from './apply-event';
export { fetchConversation, fillGap, resync } from './stream-repair';
export { chatEventsPayload, executeOverSocket } from './socket-operations';
