import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveryCounts, deliveryLine, tickFor } from './delivery-state';

describe('delivery state', () => {
  it('shows sent, delivered and read in a direct chat', () => {
    const dm = (delivered: number, read: number) => [
      tickFor('DIRECT', 2, { delivered, read }),
      deliveryLine('DIRECT', { delivered, read }),
    ];
    expect(dm(0, 0)).toEqual(['sent', 'Sent']);
    expect(dm(1, 0)).toEqual(['delivered', 'Delivered']);
    expect(dm(1, 1)).toEqual(['read', 'Seen']);
  });

  it('counts in groups; read only once everyone else read', () => {
    expect(tickFor('GROUP', 4, { delivered: 2, read: 2 })).toBe('delivered');
    expect(tickFor('GROUP', 4, { delivered: 3, read: 3 })).toBe('read');
    expect(deliveryLine('GROUP', { delivered: 3, read: 1 })).toBe('Delivered to 3 · Seen by 1');
    expect(deliveryLine('GROUP', { delivered: 2, read: 0 })).toBe('Delivered to 2');
    expect(deliveryLine('GROUP', { delivered: 0, read: 0 })).toBe('Sent');
  });

  it('merges server and live counts: never fewer than either, reading implies receipt', () => {
    const n = fc.nat(50);
    fc.assert(
      fc.property(n, n, n, n, (deliveredTo, readBy, liveDelivered, liveRead) => {
        const c = deliveryCounts(
          { deliveredTo, readBy },
          { delivered: liveDelivered, read: liveRead },
        );
        expect(c.read).toBe(Math.max(readBy, liveRead));
        expect(c.delivered).toBeGreaterThanOrEqual(Math.max(deliveredTo, liveDelivered, c.read));
        const order = ['sent', 'delivered', 'read'];
        expect(order.indexOf(tickFor('GROUP', 5, c))).toBeLessThanOrEqual(
          order.indexOf(tickFor('DIRECT', 2, c)),
        );
      }),
    );
  });
});
