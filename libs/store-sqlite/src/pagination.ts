export { decodeKeyset, toPage } from '@chatter/core';
