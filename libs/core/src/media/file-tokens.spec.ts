import { describe, expect, it } from 'vitest';
import { Clock } from '../shared/clock';
import { CoreSettings } from '../shared/settings';
import { FileTokens } from './file-tokens';

class TestClock extends Clock {
  ms = Date.UTC(2026, 0, 1);
  now(): Date {
    return new Date(this.ms);
  }
}

const claims = { tenantId: 't1', attachmentId: 'a1', userId: 'u1' };

describe('FileTokens', () => {
  const clock = new TestClock();
  const tokens = new FileTokens(new CoreSettings({ jwtSecret: 's'.repeat(40) }), clock);

  it('round-trips the claims of a valid token for its purpose only', () => {
    const { token, expiresAt } = tokens.issue({ ...claims, purpose: 'download' }, 60);
    expect(expiresAt.getTime()).toBe(clock.ms + 60_000);
    expect(tokens.verify(token, 'download')).toMatchObject({ ...claims, purpose: 'download' });
    expect(() => tokens.verify(token, 'upload')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('refuses a token signed with another secret, or altered in any byte', () => {
    const other = new FileTokens(new CoreSettings({ jwtSecret: 'o'.repeat(40) }), clock);
    const { token } = other.issue({ ...claims, purpose: 'download' }, 60);
    expect(() => tokens.verify(token, 'download')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    const good = tokens.issue({ ...claims, purpose: 'download' }, 60).token;
    for (let i = 0; i < good.length; i += 7) {
      const flipped = good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1);
      expect(() => tokens.verify(flipped, 'download')).toThrow();
    }
    for (const bad of ['', 'x', 'a.b.c', null, 42, 'x'.repeat(600)]) {
      expect(() => tokens.verify(bad, 'download')).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN' }),
      );
    }
  });

  it('expires', () => {
    const { token } = tokens.issue({ ...claims, purpose: 'thumbnail' }, 30);
    clock.ms += 30_000;
    expect(() => tokens.verify(token, 'thumbnail')).toThrow(
      expect.objectContaining({ code: 'TOKEN_EXPIRED' }),
    );
  });
});
