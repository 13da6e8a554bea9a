import { TENANT_ID_PATTERN, directKey, isWellFormedId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aDirectConversation, aMessage, aRefreshToken, aTenant, aUser, nextTime } from './builders';

describe('builders', () => {
  it('produce valid, unique identities', () => {
    const tenants = [aTenant(), aTenant()];
    expect(tenants.every((t) => TENANT_ID_PATTERN.test(t.id))).toBe(true);
    expect(tenants[0].id).not.toBe(tenants[1].id);
    const users = [aUser(tenants[0].id), aUser(tenants[0].id)];
    expect(users.every((u) => isWellFormedId(u.id) && /^\+\d{8,15}$/.test(u.phone!))).toBe(true);
    expect(users[0].phone).not.toBe(users[1].phone);
    expect(aRefreshToken('s').tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stamp strictly increasing times and honour overrides', () => {
    const a = nextTime();
    const m = aMessage('t', 'c', 's', { body: 'hi' });
    expect(m.createdAt.getTime()).toBeGreaterThan(a.getTime());
    expect(m.body).toBe('hi');
    const dm = aDirectConversation('t', 'b', 'a');
    expect(dm).toMatchObject({ kind: 'DIRECT', uniqueKey: directKey('a', 'b'), lastSeq: 0 });
  });
});
