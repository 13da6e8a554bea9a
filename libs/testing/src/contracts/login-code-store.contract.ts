import { LoginCodeAttempt, LoginCodeStore } from '@chatter/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep, uniqueToken } from './realtime-test-helpers';

/** Two stores on one backend (`storeB` plays another instance). */
export interface LoginCodeStoreUnderTest {
  store: LoginCodeStore;
  storeB: LoginCodeStore;
  cleanup(): Promise<void>;
}

const count = (results: LoginCodeAttempt[], outcome: LoginCodeAttempt) =>
  results.filter((r) => r === outcome).length;

/** The LoginCodeStore contract (TTL checked with real waits of a few hundred ms). */
export function loginCodeStoreContract(
  name: string,
  make: () => Promise<LoginCodeStoreUnderTest>,
): void {
  describe(`${name} (LoginCodeStore contract)`, () => {
    let store: LoginCodeStore;
    let storeB: LoginCodeStore;
    let cleanup: () => Promise<void>;
    const key = () => uniqueToken('code:');

    beforeEach(async () => {
      ({ store, storeB, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('answers missing when there is no code', async () => {
      expect(await store.attempt(key(), 'h', 5)).toBe('missing');
    });

    it('accepts the right code once, from any instance', async () => {
      const k = key();
      await store.put(k, 'hash-1', 60_000);
      expect(await storeB.attempt(k, 'hash-1', 5)).toBe('ok');
      expect(await store.attempt(k, 'hash-1', 5)).toBe('missing');
    });

    it('counts mismatches across instances and burns the code on the last allowed attempt', async () => {
      const k = key();
      await store.put(k, 'right', 60_000);
      expect(await store.attempt(k, 'wrong-1', 3)).toBe('mismatch');
      expect(await storeB.attempt(k, 'wrong-2', 3)).toBe('mismatch');
      expect(await store.attempt(k, 'wrong-3', 3)).toBe('burned');
      expect(await storeB.attempt(k, 'right', 3)).toBe('missing');
    });

    it('expires codes after their TTL', async () => {
      const k = key();
      await store.put(k, 'h', 200);
      await sleep(350);
      expect(await storeB.attempt(k, 'h', 5)).toBe('missing');
    });

    it('replaces the code on put and resets the attempts', async () => {
      const k = key();
      await store.put(k, 'old', 60_000);
      expect(await store.attempt(k, 'x', 3)).toBe('mismatch');
      expect(await store.attempt(k, 'y', 3)).toBe('mismatch');
      await storeB.put(k, 'new', 60_000);
      expect(await store.attempt(k, 'old', 3)).toBe('mismatch');
      expect(await store.attempt(k, 'z', 3)).toBe('mismatch');
      expect(await storeB.attempt(k, 'new', 3)).toBe('ok');
    });

    it('keeps keys apart', async () => {
      const [a, b] = [key(), key()];
      await store.put(a, 'ha', 60_000);
      await store.put(b, 'hb', 60_000);
      expect(await store.attempt(a, 'hb', 2)).toBe('mismatch');
      expect(await store.attempt(b, 'hb', 2)).toBe('ok');
      expect(await store.attempt(a, 'ha', 2)).toBe('ok');
    });

    it('never allows more than maxAttempts under concurrent guesses across instances', async () => {
      const k = key();
      await store.put(k, 'right', 60_000);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? store : storeB).attempt(k, `guess-${i}`, 5)),
      );
      expect(count(results, 'mismatch')).toBe(4);
      expect(count(results, 'burned')).toBe(1);
      expect(count(results, 'missing')).toBe(25);
    });

    it('lets exactly one of many concurrent right answers through', async () => {
      const k = key();
      await storeB.put(k, 'right', 60_000);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : storeB).attempt(k, 'right', 5)),
      );
      expect(count(results, 'ok')).toBe(1);
      expect(count(results, 'missing')).toBe(19);
    });
  });
}
