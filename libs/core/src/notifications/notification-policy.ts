import { ConversationKind } from '../messaging/conversation';
import {
  ConversationNotificationOverride,
  NotificationDefaults,
  NotifyLevel,
  QuietHours,
} from './notification-settings';

/**
 * The notification rules, as pure functions of explicit facts (no clock, no store): who is told
 * about a message, when, and what counts toward a badge. The delivery side asks twice: when the
 * message arrives (`planNotification`) and again when the delay has passed (`stillNotify`).
 */

/** Whether the conversation is muted for the user at `now` (member flag or a mute still running). */
export function isMuted(
  override: ConversationNotificationOverride,
  memberMuted: boolean,
  now: Date,
): boolean {
  return (
    memberMuted || (override.mutedUntil !== null && override.mutedUntil.getTime() > now.getTime())
  );
}

/** The level that applies: NONE while muted, else the override, else the user's default for the kind. */
export function effectiveLevel(
  defaults: NotificationDefaults,
  override: ConversationNotificationOverride,
  kind: ConversationKind,
  memberMuted: boolean,
  now: Date,
): NotifyLevel {
  if (isMuted(override, memberMuted, now)) return 'NONE';
  return override.level ?? defaults.levels[kind];
}

/** Muted conversations never count toward a badge (unread or mentions). */
export function countsTowardBadge(
  override: ConversationNotificationOverride,
  memberMuted: boolean,
  now: Date,
): boolean {
  return !isMuted(override, memberMuted, now);
}

/** Minutes since local midnight at `now` in `timeZone` (an unknown zone counts as UTC). */
export function localMinuteOfDay(now: Date, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now);
  } catch {
    return now.getUTCHours() * 60 + now.getUTCMinutes();
  }
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/** Whether `now` falls in the quiet hours (which may wrap past midnight) of the user's zone. */
export function inQuietHours(quiet: QuietHours | null, timeZone: string, now: Date): boolean {
  if (!quiet || quiet.startMinute === quiet.endMinute) return false;
  const minute = localMinuteOfDay(now, timeZone);
  return quiet.startMinute < quiet.endMinute
    ? minute >= quiet.startMinute && minute < quiet.endMinute
    : minute >= quiet.startMinute || minute < quiet.endMinute;
}

/** What happened that might notify a member. */
export type NotificationTrigger =
  /** A new message; `mentionsMe`: it names the member or reaches them with @all. */
  | { kind: 'MESSAGE'; mentionsMe: boolean }
  /** An edit that newly mentions the member (no earlier version did). */
  | { kind: 'MENTION_ADDED' };

export interface NotificationFacts {
  recipientId: string;
  senderId: string;
  conversationKind: ConversationKind;
  trigger: NotificationTrigger;
  defaults: NotificationDefaults;
  override: ConversationNotificationOverride;
  memberMuted: boolean;
  /** The recipient blocked the sender or the sender blocked the recipient. */
  blockedEitherWay: boolean;
  now: Date;
}

export type SkipReason = 'OWN_MESSAGE' | 'BLOCKED' | 'MUTED' | 'LEVEL' | 'QUIET_HOURS';

export type NotificationPlan =
  | { notify: false; reason: SkipReason }
  | {
      notify: true;
      /** Whether it is about a mention (shown as such, allowed at MENTIONS level). */
      mention: boolean;
      /** When to check again and send (`stillNotify`); `now` when no delay applies. */
      notBefore: Date;
    };

/** Whether, and when, a member is to be told about a message or a newly added mention. */
export function planNotification(facts: NotificationFacts): NotificationPlan {
  const { trigger, defaults, now } = facts;
  if (facts.recipientId === facts.senderId) return { notify: false, reason: 'OWN_MESSAGE' };
  if (facts.blockedEitherWay) return { notify: false, reason: 'BLOCKED' };
  if (isMuted(facts.override, facts.memberMuted, now)) return { notify: false, reason: 'MUTED' };
  const level = effectiveLevel(
    defaults,
    facts.override,
    facts.conversationKind,
    facts.memberMuted,
    now,
  );
  const mention = trigger.kind === 'MENTION_ADDED' || trigger.mentionsMe;
  // At ALL the message itself was the notification: a mention added later is not news then.
  const allowed =
    trigger.kind === 'MENTION_ADDED'
      ? level === 'MENTIONS'
      : level === 'ALL' || (level === 'MENTIONS' && mention);
  if (!allowed) return { notify: false, reason: 'LEVEL' };
  if (inQuietHours(defaults.quietHours, defaults.timeZone, now))
    return { notify: false, reason: 'QUIET_HOURS' };
  const delayMs = defaults.onlyIfUnread ? defaults.delaySeconds * 1000 : 0;
  return { notify: true, mention, notBefore: new Date(now.getTime() + delayMs) };
}

export interface DeliveryFacts {
  /** The seq of the message the notification is about. */
  messageSeq: number;
  /** When it was sent (the trigger's time). */
  triggeredAt: Date;
  /** The recipient's read pointer now. */
  readSeq: number;
  /** The recipient's latest activity on any device (null: none known). */
  lastActiveAt: Date | null;
  defaults: NotificationDefaults;
  override: ConversationNotificationOverride;
  memberMuted: boolean;
  stillMember: boolean;
  blockedEitherWay: boolean;
  now: Date;
}

export type DeliverySkipReason =
  'READ' | 'ACTIVE_ELSEWHERE' | 'MUTED' | 'BLOCKED' | 'NOT_MEMBER' | 'QUIET_HOURS';

/** Checked when a planned notification is due: what changed meanwhile may cancel it. */
export function stillNotify(
  facts: DeliveryFacts,
): { notify: true } | { notify: false; reason: DeliverySkipReason } {
  if (!facts.stillMember) return { notify: false, reason: 'NOT_MEMBER' };
  if (facts.blockedEitherWay) return { notify: false, reason: 'BLOCKED' };
  if (isMuted(facts.override, facts.memberMuted, facts.now))
    return { notify: false, reason: 'MUTED' };
  if (inQuietHours(facts.defaults.quietHours, facts.defaults.timeZone, facts.now))
    return { notify: false, reason: 'QUIET_HOURS' };
  if (facts.defaults.onlyIfUnread) {
    if (facts.readSeq >= facts.messageSeq) return { notify: false, reason: 'READ' };
    if (facts.lastActiveAt && facts.lastActiveAt.getTime() > facts.triggeredAt.getTime())
      return { notify: false, reason: 'ACTIVE_ELSEWHERE' };
  }
  return { notify: true };
}

/** Checks user input for the defaults; throws nothing, returns the problem or null. */
export function quietHoursProblem(quiet: QuietHours | null): string | null {
  if (quiet === null) return null;
  const ok = (m: number) => Number.isInteger(m) && m >= 0 && m < 1440;
  return ok(quiet.startMinute) && ok(quiet.endMinute)
    ? null
    : 'quiet hours are minutes of the day, 0–1439';
}

export function isKnownTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
