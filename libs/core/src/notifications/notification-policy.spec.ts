import { describe, expect, it } from 'vitest';
import {
  DeliveryFacts,
  NotificationFacts,
  countsTowardBadge,
  effectiveLevel,
  inQuietHours,
  isKnownTimeZone,
  localMinuteOfDay,
  planNotification,
  quietHoursProblem,
  stillNotify,
} from './notification-policy';
import { NO_OVERRIDE, defaultNotificationDefaults } from './notification-settings';

const now = new Date('2026-03-10T12:00:00Z');
const at = (iso: string) => new Date(iso);

const facts = (over: Partial<NotificationFacts> = {}): NotificationFacts => ({
  recipientId: 'bob',
  senderId: 'ada',
  conversationKind: 'GROUP',
  trigger: { kind: 'MESSAGE', mentionsMe: false },
  defaults: defaultNotificationDefaults(60),
  override: NO_OVERRIDE,
  memberMuted: false,
  blockedEitherWay: false,
  now,
  ...over,
});

const delivery = (over: Partial<DeliveryFacts> = {}): DeliveryFacts => ({
  messageSeq: 10,
  triggeredAt: now,
  readSeq: 9,
  lastActiveAt: at('2026-03-10T11:59:00Z'),
  defaults: defaultNotificationDefaults(60),
  override: NO_OVERRIDE,
  memberMuted: false,
  stillMember: true,
  blockedEitherWay: false,
  now: at('2026-03-10T12:01:00Z'),
  ...over,
});

describe('planNotification', () => {
  it('notifies about a message at ALL after the unread delay', () => {
    expect(planNotification(facts())).toEqual({
      notify: true,
      mention: false,
      notBefore: at('2026-03-10T12:01:00Z'),
    });
  });

  it('sends at once when "only if still unread" is off', () => {
    const defaults = { ...defaultNotificationDefaults(60), onlyIfUnread: false };
    expect(planNotification(facts({ defaults }))).toMatchObject({ notify: true, notBefore: now });
  });

  it('mention-only: a plain message is skipped, a mention notifies', () => {
    const override = { level: 'MENTIONS' as const, mutedUntil: null };
    expect(planNotification(facts({ override }))).toEqual({ notify: false, reason: 'LEVEL' });
    expect(
      planNotification(facts({ override, trigger: { kind: 'MESSAGE', mentionsMe: true } })),
    ).toMatchObject({ notify: true, mention: true });
    // Channels default to mentions only.
    expect(planNotification(facts({ conversationKind: 'CHANNEL' }))).toEqual({
      notify: false,
      reason: 'LEVEL',
    });
  });

  it('NONE notifies about nothing, mentions included', () => {
    const override = { level: 'NONE' as const, mutedUntil: null };
    expect(
      planNotification(facts({ override, trigger: { kind: 'MESSAGE', mentionsMe: true } })),
    ).toEqual({ notify: false, reason: 'LEVEL' });
  });

  it('muted (until a later time, or the member flag) never notifies, not even a mention', () => {
    const mention = { kind: 'MESSAGE', mentionsMe: true } as const;
    const mutedUntil = at('2026-03-10T13:00:00Z');
    expect(
      planNotification(facts({ override: { level: 'ALL', mutedUntil }, trigger: mention })),
    ).toEqual({ notify: false, reason: 'MUTED' });
    expect(planNotification(facts({ memberMuted: true, trigger: mention }))).toEqual({
      notify: false,
      reason: 'MUTED',
    });
    // A mute that ended no longer applies.
    expect(
      planNotification(
        facts({ override: { level: null, mutedUntil: at('2026-03-10T11:00:00Z') } }),
      ),
    ).toMatchObject({ notify: true });
  });

  it('a blocked sender never causes a notification, nor does my own message', () => {
    expect(
      planNotification(
        facts({ blockedEitherWay: true, trigger: { kind: 'MESSAGE', mentionsMe: true } }),
      ),
    ).toEqual({ notify: false, reason: 'BLOCKED' });
    expect(planNotification(facts({ senderId: 'bob' }))).toEqual({
      notify: false,
      reason: 'OWN_MESSAGE',
    });
  });

  it('an edit that adds a mention notifies at MENTIONS level only (at ALL the message already did)', () => {
    const trigger = { kind: 'MENTION_ADDED' } as const;
    expect(
      planNotification(facts({ trigger, override: { level: 'MENTIONS', mutedUntil: null } })),
    ).toMatchObject({ notify: true, mention: true });
    expect(planNotification(facts({ trigger }))).toEqual({ notify: false, reason: 'LEVEL' });
    expect(
      planNotification(facts({ trigger, override: { level: 'NONE', mutedUntil: null } })),
    ).toEqual({ notify: false, reason: 'LEVEL' });
  });

  it('quiet hours in the user’s time zone suppress notifications, also across midnight', () => {
    // 12:00 UTC is 21:00 in Tokyo and 13:00 in Berlin (CET, March 10).
    const quiet = { startMinute: 20 * 60, endMinute: 7 * 60 };
    const tokyo = { ...defaultNotificationDefaults(60), timeZone: 'Asia/Tokyo', quietHours: quiet };
    const berlin = { ...tokyo, timeZone: 'Europe/Berlin' };
    expect(planNotification(facts({ defaults: tokyo }))).toEqual({
      notify: false,
      reason: 'QUIET_HOURS',
    });
    expect(planNotification(facts({ defaults: berlin }))).toMatchObject({ notify: true });
  });
});

describe('stillNotify (when the delay has passed)', () => {
  it('sends when still unread and nobody was active since', () => {
    expect(stillNotify(delivery())).toEqual({ notify: true });
  });

  it('does not send once read on another device before the delay', () => {
    expect(stillNotify(delivery({ readSeq: 10 }))).toEqual({ notify: false, reason: 'READ' });
  });

  it('does not send when the user was active on another device after the message', () => {
    expect(stillNotify(delivery({ lastActiveAt: at('2026-03-10T12:00:30Z') }))).toEqual({
      notify: false,
      reason: 'ACTIVE_ELSEWHERE',
    });
  });

  it('ignores read state and activity when "only if unread" is off', () => {
    const defaults = { ...defaultNotificationDefaults(0), onlyIfUnread: false };
    expect(
      stillNotify(delivery({ defaults, readSeq: 10, lastActiveAt: at('2026-03-10T12:00:30Z') })),
    ).toEqual({ notify: true });
  });

  it('cancels when muted, blocked or removed meanwhile', () => {
    expect(stillNotify(delivery({ memberMuted: true }))).toMatchObject({ reason: 'MUTED' });
    expect(stillNotify(delivery({ blockedEitherWay: true }))).toMatchObject({ reason: 'BLOCKED' });
    expect(stillNotify(delivery({ stillMember: false }))).toMatchObject({ reason: 'NOT_MEMBER' });
  });
});

describe('levels, badges and time', () => {
  it('muted conversations resolve to NONE and never count toward a badge', () => {
    const d = defaultNotificationDefaults();
    const muted = { level: 'ALL' as const, mutedUntil: at('2099-01-01T00:00:00Z') };
    expect(effectiveLevel(d, muted, 'DIRECT', false, now)).toBe('NONE');
    expect(countsTowardBadge(muted, false, now)).toBe(false);
    expect(countsTowardBadge(NO_OVERRIDE, true, now)).toBe(false);
    expect(countsTowardBadge(NO_OVERRIDE, false, now)).toBe(true);
    expect(effectiveLevel(d, NO_OVERRIDE, 'DIRECT', false, now)).toBe('ALL');
  });

  it('computes local time with DST and refuses unknown zones', () => {
    // New York switched to EDT on 2026-03-08: 12:00 UTC is 08:00 local.
    expect(localMinuteOfDay(now, 'America/New_York')).toBe(8 * 60);
    expect(localMinuteOfDay(now, 'Nowhere/Else')).toBe(12 * 60);
    expect(isKnownTimeZone('Asia/Kolkata')).toBe(true);
    expect(isKnownTimeZone('Nowhere/Else')).toBe(false);
    expect(isKnownTimeZone('x'.repeat(65))).toBe(false);
    expect(inQuietHours({ startMinute: 600, endMinute: 600 }, 'UTC', now)).toBe(false);
    expect(inQuietHours({ startMinute: 11 * 60, endMinute: 12 * 60 }, 'UTC', now)).toBe(false);
    expect(inQuietHours({ startMinute: 12 * 60, endMinute: 13 * 60 }, 'UTC', now)).toBe(true);
    expect(quietHoursProblem({ startMinute: 0, endMinute: 1440 })).not.toBeNull();
    expect(quietHoursProblem({ startMinute: 1.5, endMinute: 2 })).not.toBeNull();
    expect(quietHoursProblem({ startMinute: 0, endMinute: 1439 })).toBeNull();
  });
});
