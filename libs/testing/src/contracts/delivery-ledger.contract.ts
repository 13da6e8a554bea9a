import { DeliveryLedger } from '@chatter/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep, uniqueToken } from './realtime-test-helpers';

/** Two ledgers on one backend (`ledgerB` plays another instance). */
export interface DeliveryLedgerUnderTest {
  ledger: DeliveryLedger;
  ledgerB: DeliveryLedger;
  cleanup(): Promise<void>;
}

/** The DeliveryLedger contract (real time: leases are a few hundred ms). */
export function deliveryLedgerContract(
  name: string,
  make: () => Promise<DeliveryLedgerUnderTest>,
): void {
  describe(`${name} (DeliveryLedger contract)`, () => {
    let ledger: DeliveryLedger;
    let ledgerB: DeliveryLedger;
    let cleanup: () => Promise<void>;
    const key = () => uniqueToken('send:');

    beforeEach(async () => {
      ({ ledger, ledgerB, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('one claim wins; once sent, every later claim (any instance) answers SENT', async () => {
      const k = key();
      const first = await ledger.claim(k, 10_000);
      expect(first.outcome).toBe('CLAIMED');
      expect(await ledgerB.claim(k, 10_000)).toEqual({ outcome: 'BUSY' });
      await ledger.markSent(k, 10_000);
      expect(await ledgerB.claim(k, 10_000)).toEqual({ outcome: 'SENT' });
      expect(await ledger.claim(k, 10_000)).toEqual({ outcome: 'SENT' });
      expect((await ledger.claim(key(), 10_000)).outcome).toBe('CLAIMED');
    });

    it('a claim whose holder died expires after its lease; a released one frees at once', async () => {
      const k = key();
      expect((await ledger.claim(k, 150)).outcome).toBe('CLAIMED');
      expect(await ledgerB.claim(k, 150)).toEqual({ outcome: 'BUSY' });
      await sleep(250);
      const taken = await ledgerB.claim(k, 10_000);
      expect(taken.outcome).toBe('CLAIMED');
      // The first holder's late release does not free the new claim.
      const other = key();
      const mine = await ledger.claim(other, 10_000);
      if (mine.outcome !== 'CLAIMED' || taken.outcome !== 'CLAIMED') throw new Error('claims');
      await ledger.release(k, mine.token);
      expect(await ledger.claim(k, 10_000)).toEqual({ outcome: 'BUSY' });
      await ledgerB.release(k, taken.token);
      expect((await ledger.claim(k, 10_000)).outcome).toBe('CLAIMED');
    });

    it('a sent record expires after it is kept', async () => {
      const k = key();
      expect((await ledger.claim(k, 10_000)).outcome).toBe('CLAIMED');
      await ledger.markSent(k, 150);
      expect(await ledgerB.claim(k, 10_000)).toEqual({ outcome: 'SENT' });
      await sleep(250);
      expect((await ledgerB.claim(k, 10_000)).outcome).toBe('CLAIMED');
    });
  });
}
