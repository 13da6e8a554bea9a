import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../messaging/message';
import {
  covers,
  MAX_REPLAY_READS,
  REPLAY_READ_SHARE_MS,
  ReplayRead,
  ReplayReads,
} from './replay-reads';

const entry = (seq: number): LoggedEvent =>
  ({ seq, kind: 'CONVERSATION_CHANGED', at: new Date(0) }) as unknown as LoggedEvent;
const readOf = (...seqs: number[]): ReplayRead => ({
  entries: seqs.map(entry),
  events: seqs.map(() => null),
});

describe('ReplayReads', () => {
  it('reads once for the streams resuming from the same cursor while the read covers them', async () => {
    let loads = 0;
    const reads = new ReplayReads(() => 0);
    const load = async () => (loads++, readOf(4, 5, 6));
    const [a, b] = await Promise.all([
      reads.read('t', 'c', 3, 1001, 6, load),
      reads.read('t', 'c', 3, 1001, 6, load),
    ]);
    expect(loads).toBe(1);
    expect(b).toBe(a);
    // Another cursor, conversation or tenant is another read.
    await reads.read('t', 'c', 4, 1001, 6, load);
    await reads.read('t', 'd', 3, 1001, 6, load);
    await reads.read('u', 'c', 3, 1001, 6, load);
    expect(loads).toBe(4);
  });

  it('reads again for a stream that saw the conversation further than the shared read', async () => {
    let loads = 0;
    const reads = new ReplayReads(() => 0);
    await reads.read('t', 'c', 3, 1001, 6, async () => (loads++, readOf(4, 5, 6)));
    const fresh = await reads.read('t', 'c', 3, 1001, 7, async () => (loads++, readOf(4, 5, 6, 7)));
    expect(loads).toBe(2);
    expect(fresh.entries.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    // The fresher read is the one shared from then on.
    expect(await reads.read('t', 'c', 3, 1001, 7, async () => (loads++, readOf()))).toBe(fresh);
    expect(loads).toBe(2);
  });

  it('shares nothing past its lifetime, and never a failed read', async () => {
    let now = 0;
    let loads = 0;
    const reads = new ReplayReads(() => now);
    await reads.read('t', 'c', 0, 1001, 1, async () => (loads++, readOf(1)));
    now += REPLAY_READ_SHARE_MS;
    await reads.read('t', 'c', 0, 1001, 1, async () => (loads++, readOf(1)));
    expect(loads).toBe(2);
    await expect(
      reads.read('t', 'x', 0, 1001, 1, async () => Promise.reject(new Error('store down'))),
    ).rejects.toThrow('store down');
    await Promise.resolve();
    const after = await reads.read('t', 'x', 0, 1001, 1, async () => (loads++, readOf(1)));
    expect(after.entries).toHaveLength(1);
    expect(loads).toBe(3);
  });

  it('stays bounded', async () => {
    const reads = new ReplayReads(() => 0);
    for (let i = 0; i < MAX_REPLAY_READS + 10; i++)
      await reads.read('t', `c${i}`, 0, 1001, 0, async () => readOf());
    expect(reads.size).toBe(MAX_REPLAY_READS);
  });
});

describe('covers', () => {
  it('holds when every seq up to the last one is there, or the read is over the limit', () => {
    expect(covers(readOf(4, 5, 6).entries, 3, 1001, 6)).toBe(true);
    expect(covers(readOf(4, 5, 6, 7).entries, 3, 1001, 6)).toBe(true); // later ones come anyway
    expect(covers(readOf(4, 5).entries, 3, 1001, 6)).toBe(false); // older than the stream
    expect(covers(readOf(4, 6, 7).entries, 3, 1001, 6)).toBe(false); // a seq missing
    expect(covers(readOf().entries, 3, 1001, 3)).toBe(true);
    expect(covers(readOf(1, 2, 3).entries, 0, 3, 99)).toBe(true); // over the limit
  });
});
