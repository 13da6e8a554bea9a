import { ConversationId, TenantId, UserId } from '../shared/ids';
import { Message, MembershipChange } from '../messaging/message';
import { PresenceStatus } from './presence.port';

/** Events carried by the bus. Ordered ones carry their conversation seq. */
export type RealtimeEvent =
  | { type: 'MESSAGE_ADDED'; tenantId: TenantId; conversationId: ConversationId; seq: number; message: Message }
  | { type: 'MESSAGE_UPDATED'; tenantId: TenantId; conversationId: ConversationId; seq: number; message: Message }
  | {
      type: 'MEMBERSHIP_CHANGED';
      tenantId: TenantId;
      conversationId: ConversationId;
      seq: number;
      userId: UserId;
      change: MembershipChange;
    }
  | { type: 'CONVERSATION_CHANGED'; tenantId: TenantId; conversationId: ConversationId; seq: number }
  | { type: 'READ_RECEIPT'; tenantId: TenantId; conversationId: ConversationId; userId: UserId; seq: number }
  | { type: 'TYPING'; tenantId: TenantId; conversationId: ConversationId; userId: UserId; typing: boolean }
  /** Per-user: my own settings or read pointer of a conversation changed (other devices). */
  | { type: 'MEMBER_SETTINGS_CHANGED'; tenantId: TenantId; conversationId: ConversationId; userId: UserId }
  | { type: 'SESSION_REVOKED'; tenantId: TenantId; userId: UserId; sessionId: string }
  /** Per-user: the user's blocks changed; streams re-evaluate presence and typing filters. */
  | { type: 'BLOCKS_CHANGED'; tenantId: TenantId; userId: UserId }
  | { type: 'PRESENCE'; tenantId: TenantId; userId: UserId; status: PresenceStatus; lastSeenAt: Date | null }
  /** On the user's presence topic: their name, avatar or status text changed. */
  | { type: 'PROFILE_CHANGED'; tenantId: TenantId; userId: UserId };

export type OrderedRealtimeEvent = Extract<
  RealtimeEvent,
  { type: 'MESSAGE_ADDED' | 'MESSAGE_UPDATED' | 'MEMBERSHIP_CHANGED' | 'CONVERSATION_CHANGED' }
>;

export const isOrdered = (event: RealtimeEvent): event is OrderedRealtimeEvent =>
  event.type === 'MESSAGE_ADDED' ||
  event.type === 'MESSAGE_UPDATED' ||
  event.type === 'MEMBERSHIP_CHANGED' ||
  event.type === 'CONVERSATION_CHANGED';

const DATE_FIELDS = new Set(['createdAt', 'editedAt', 'deletedAt', 'lastSeenAt', 'at']);

export const encodeEvent = (event: RealtimeEvent): string => JSON.stringify(event);

/** Parses a bus payload, reviving dates; null for anything malformed. */
export function decodeEvent(payload: string): RealtimeEvent | null {
  try {
    const value: unknown = JSON.parse(payload, (key, v: unknown) =>
      DATE_FIELDS.has(key) && typeof v === 'string' ? new Date(v) : v,
    );
    if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      return value as RealtimeEvent;
    }
  } catch {
    // fall through
  }
  return null;
}
