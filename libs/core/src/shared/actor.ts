import type { BotGrant } from './bot-grant';
import { TenantId, UserId } from './ids';

/** Who performs an operation: derived from the access token only, never from client input. */
export interface Actor {
  tenantId: TenantId;
  userId: UserId;
  /** The sign-in session (null for app-issued tokens). */
  sessionId: string | null;
  /** Set when a bot token authenticated: the scopes and conversations it may use. */
  grant?: BotGrant | null;
}
