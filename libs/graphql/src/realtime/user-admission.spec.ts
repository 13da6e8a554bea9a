import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserAdmission } from './user-admission';

const ann = { tenantId: 't1', userId: 'ann' };
const annElsewhere = { tenantId: 't2', userId: 'ann' };

describe('UserAdmission', () => {
  it('caps sockets per user (per tenant), frees a place on release, and ignores unknown releases', () => {
    const u = new UserAdmission({ maxSocketsPerUser: 2, maxSubscriptionsPerUser: 0 });
    expect(u.admitSocket('s1', ann)).toBe(true);
    expect(u.admitSocket('s1', ann)).toBe(true); // the same socket is counted once
    expect(u.admitSocket('s2', ann)).toBe(true);
    expect(u.admitSocket('s3', ann)).toBe(false);
    expect(u.admitSocket('s4', annElsewhere)).toBe(true);
    u.releaseSocket('s3'); // never admitted: nothing to free
    expect(u.socketsOf(ann)).toBe(2);
    u.releaseSocket('s1');
    u.releaseSocket('s1');
    expect(u.socketsOf(ann)).toBe(1);
    expect(u.admitSocket('s5', ann)).toBe(true);
  });

  it('never exceeds the subscription cap and returns to zero, whatever the order of starts and ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (cap, ops) => {
          const u = new UserAdmission({ maxSocketsPerUser: 0, maxSubscriptionsPerUser: cap });
          let running = 0;
          for (const start of ops) {
            if (start) {
              const admitted = u.startSubscription(ann);
              expect(admitted).toBe(running < cap);
              if (admitted) running++;
            } else if (running > 0) {
              u.endSubscription(ann);
              running--;
            }
          }
          for (; running > 0; running--) u.endSubscription(ann);
          // Back at zero: a full cap is available again.
          for (let i = 0; i < cap; i++) expect(u.startSubscription(ann)).toBe(true);
          expect(u.startSubscription(ann)).toBe(false);
        },
      ),
    );
  });

  it('has no cap at 0', () => {
    const u = new UserAdmission({ maxSocketsPerUser: 0, maxSubscriptionsPerUser: 0 });
    for (let i = 0; i < 1000; i++) {
      expect(u.admitSocket(`s${i}`, ann)).toBe(true);
      expect(u.startSubscription(ann)).toBe(true);
    }
  });
});
