import { describe, expect, it } from 'vitest';
import { aTenantId, aMessage, nextTime } from '../builders';
import { aChatOfTwo } from './call-repository.helpers';
import { MakeStore, useStore } from './store-under-test';

/** Contract of `MessageRepository.listLiveIdsCreatedBefore` (message retention). */
export function messageRetentionContract(makeStore: MakeStore): void {
  describe('MessageRepository: messages by age for retention', () => {
    const store = useStore(makeStore);

    it("lists a tenant's live messages created before a time, oldest first, capped", async () => {
      const t = aTenantId();
      const { conversation, users } = await aChatOfTwo(store(), t);
      const ids: string[] = [];
      for (const body of ['one', 'two', 'three', 'four'])
        ids.push(
          (await store().messages.append(aMessage(t, conversation.id, users[0]!.id, { body })))
            .message.id,
        );
      const cutoff = nextTime();
      await store().messages.append(aMessage(t, conversation.id, users[1]!.id, { body: 'new' }));
      await store().messages.tombstone(t, ids[1]!, nextTime());
      // Another tenant's old message is never listed.
      const other = aTenantId();
      const foreign = await aChatOfTwo(store(), other);
      await store().messages.append(
        aMessage(other, foreign.conversation.id, foreign.users[0]!.id, { body: 'far' }),
      );

      expect(await store().messages.listLiveIdsCreatedBefore(t, cutoff, 10)).toEqual([
        ids[0],
        ids[2],
        ids[3],
      ]);
      expect(await store().messages.listLiveIdsCreatedBefore(t, cutoff, 2)).toEqual([
        ids[0],
        ids[2],
      ]);
      expect(await store().messages.listLiveIdsCreatedBefore(t, cutoff, 0)).toEqual([]);
      expect(await store().messages.listLiveIdsCreatedBefore(t, new Date(0), 10)).toEqual([]);
    });
  });
}
