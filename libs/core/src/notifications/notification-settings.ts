import { ConversationKind } from '../messaging/conversation';

/** What a conversation may notify about: every message, only mentions of me, or nothing. */
export type NotifyLevel = 'ALL' | 'MENTIONS' | 'NONE';
export const NOTIFY_LEVELS: readonly NotifyLevel[] = ['ALL', 'MENTIONS', 'NONE'];

/** Do-not-disturb hours as local wall-clock minutes since midnight; may wrap past midnight. */
export interface QuietHours {
  /** 0–1439, inclusive start. */
  startMinute: number;
  /** 0–1439, exclusive end; equal to start means no quiet hours. */
  endMinute: number;
}

/** A user's notification defaults. */
export interface NotificationDefaults {
  /** Level per kind of conversation when the conversation has no override. */
  levels: Record<ConversationKind, NotifyLevel>;
  /** IANA time zone the quiet hours are in (e.g. `Europe/Berlin`). */
  timeZone: string;
  quietHours: QuietHours | null;
  /**
   * Notify only if the message is still unread after `delaySeconds` and the user was not active
   * on any device since it arrived (default on).
   */
  onlyIfUnread: boolean;
  delaySeconds: number;
}

/** A user's override for one conversation. */
export interface ConversationNotificationOverride {
  /** Null: the default for the conversation's kind. */
  level: NotifyLevel | null;
  /** Muted until this time (exclusive); null: not muted. A far-future time mutes for good. */
  mutedUntil: Date | null;
}

export const defaultNotificationDefaults = (delaySeconds = 60): NotificationDefaults => ({
  levels: { DIRECT: 'ALL', GROUP: 'ALL', CHANNEL: 'MENTIONS' },
  timeZone: 'UTC',
  quietHours: null,
  onlyIfUnread: true,
  delaySeconds,
});

export const NO_OVERRIDE: ConversationNotificationOverride = Object.freeze({
  level: null,
  mutedUntil: null,
}) as ConversationNotificationOverride;
