import { describe, expect, it } from 'vitest';
import { disappearingNotice, timerLabel } from './timer-label';

describe('timerLabel', () => {
  it('names each offered timer in the largest whole unit', () => {
    expect(timerLabel(3600)).toBe('1 hour');
    expect(timerLabel(86_400)).toBe('1 day');
    expect(timerLabel(604_800)).toBe('7 days');
    expect(timerLabel(7_776_000)).toBe('90 days');
    expect(timerLabel(2)).toBe('2 seconds');
    expect(timerLabel(90)).toBe('90 seconds');
    expect(timerLabel(120)).toBe('2 minutes');
  });

  it('says who turned it on or off', () => {
    expect(disappearingNotice('Ada', 86_400)).toBe('Ada turned on disappearing messages (1 day)');
    expect(disappearingNotice('You', 0)).toBe('You turned off disappearing messages');
  });
});
