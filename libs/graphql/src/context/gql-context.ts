import { Authenticated } from '@chatter/core';
import { Loaders } from './loaders';

/** Per-operation context, built the same way for HTTP and WebSocket operations. */
export interface GqlContext {
  /** Raw `authorization` value presented (header or connectionParams). */
  authorization: string | null;
  /** Set by the auth guard (or at WebSocket connect) once the token was verified. */
  actor: Authenticated | null;
  clientIp: string;
  /** `x-admin-token` header value, for operator mutations. */
  adminToken: string | null;
  loaders: Loaders;
}
