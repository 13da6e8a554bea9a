// Node.js-only parts of @chatter/sdk (import from '@chatter/sdk/node').
export { FileCursorStorage } from './file-cursor-storage';
