import type { IncomingMessage } from 'node:http';

export interface B1User {
  userId: string;
  name: string;
}

/** Resolved lazily so that queries that need no user do not pay for JWT checks. */
export interface B1Context {
  req?: IncomingMessage;
  user: () => Promise<B1User>;
}
