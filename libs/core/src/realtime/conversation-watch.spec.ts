import { describe, expect, it } from 'vitest';
import { CoreSettings } from '../shared/settings';
import type { ConversationRepository } from '../messaging/conversation.repository';
import { ConversationWatch, type ConversationFollower } from './conversation-watch';

function setup() {
  const lastSeq = new Map<string, number>([['c1', 0]]);
  const conversations = {
    findByIds: async (_t: string, ids: readonly string[]) =>
      ids.map((id) => ({ id, lastSeq: lastSeq.get(id) ?? 0 })),
  } as unknown as ConversationRepository;
  const settings = new CoreSettings();
  settings.reconcileIntervalMs = 0; // passes are driven by the test
  const watch = new ConversationWatch(conversations, settings);
  const nudges: string[] = [];
  const follower: ConversationFollower = { nudge: (id) => nudges.push(id) };
  watch.add('t', 'c1', follower, 0);
  return { watch, lastSeq, nudges };
}

describe('ConversationWatch', () => {
  it('leaves an event in flight alone: delivered before the next pass, nobody reads the store', async () => {
    const { watch, lastSeq, nudges } = setup();
    lastSeq.set('c1', 1);
    expect(await watch.poll()).toBe(0);
    watch.observe('t', 'c1', 1);
    expect(await watch.poll()).toBe(0);
    expect(nudges).toEqual([]);
  });

  it('nudges followers when what one pass saw ahead is still undelivered at the next', async () => {
    const { watch, lastSeq, nudges } = setup();
    lastSeq.set('c1', 1); // stored by an instance that died before publishing
    expect(await watch.poll()).toBe(0);
    expect(await watch.poll()).toBe(1);
    expect(nudges).toEqual(['c1']);
  });

  it('keeps waiting while deliveries progress, even if the store stays ahead', async () => {
    const { watch, lastSeq, nudges } = setup();
    lastSeq.set('c1', 5);
    await watch.poll();
    watch.observe('t', 'c1', 5);
    lastSeq.set('c1', 9);
    expect(await watch.poll()).toBe(0);
    watch.observe('t', 'c1', 9);
    lastSeq.set('c1', 12);
    expect(await watch.poll()).toBe(0);
    expect(nudges).toEqual([]);
  });

  it('skips a hole nobody fills after repeated nudges', async () => {
    const { watch, lastSeq, nudges } = setup();
    lastSeq.set('c1', 3);
    for (let i = 0; i < 6; i++) await watch.poll();
    expect(nudges.length).toBe(3);
    expect(await watch.poll()).toBe(0); // observed moved past the abandoned seqs
  });
});
