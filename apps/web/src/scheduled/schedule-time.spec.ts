import { describe, expect, it } from 'vitest';
import { formatSendAt, newScheduleId, toLocalInput } from './schedule-time';

describe('schedule time helpers', () => {
  it('writes a datetime-local value in local time', () => {
    expect(toLocalInput(new Date(2026, 0, 5, 7, 3))).toBe('2026-01-05T07:03');
  });

  it('says today for a time later today', () => {
    const now = new Date(2026, 0, 5, 7, 0);
    expect(formatSendAt(new Date(2026, 0, 5, 9, 30).toISOString(), now)).toMatch(/^today /);
    expect(formatSendAt(new Date(2026, 0, 6, 9, 30).toISOString(), now)).not.toMatch(/^today /);
  });

  it('makes ids a clientMessageId accepts', () => {
    expect(newScheduleId()).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
  });
});
