import { Call, newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aMessage, aTenantId, nextTime } from '../builders';
import { MakeStore, useStore } from './store-under-test';
import { aChatOfTwo } from './call-repository.helpers';

/** A RINGING call between two user ids, created now and expiring in 45 s. */
export function aRingingCall(tenantId: string, overrides: Partial<Call> = {}): Call {
  const createdAt = nextTime();
  return {
    id: newId(),
    tenantId,
    conversationId: newId(),
    callerId: newId(),
    calleeId: newId(),
    callerSessionId: 'caller-session',
    calleeSessionId: null,
    media: 'VIDEO',
    offerSdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n',
    state: 'RINGING',
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 45_000),
    answeredAt: null,
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}

const after = (call: Call, ms: number) => new Date(call.createdAt.getTime() + ms);

/** Contract of `CallRepository` (and of the call summary a message may carry). */
export function callRepositoryContract(makeStore: MakeStore): void {
  describe('CallRepository', () => {
    const store = useStore(makeStore);

    it('creates a call and finds it by id, only in its tenant', async () => {
      const t = aTenantId();
      const call = aRingingCall(t);
      await store().calls.create(call);
      expect(await store().calls.findById(t, call.id)).toEqual(call);
      expect(await store().calls.findById(aTenantId(), call.id)).toBeNull();
    });

    it('lets exactly one of several answers win, and records the answering device', async () => {
      const t = aTenantId();
      const call = aRingingCall(t);
      await store().calls.create(call);
      const at = after(call, 2_000);
      const results = await Promise.all(
        ['phone', 'laptop', 'tablet'].map((device) => store().calls.answer(t, call.id, device, at)),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ state: 'ACTIVE', answeredAt: at });
      expect(['phone', 'laptop', 'tablet']).toContain(winners[0]!.calleeSessionId);
      expect(await store().calls.findById(t, call.id)).toEqual(winners[0]);
    });

    it('refuses an answer after the invite expired, or in another tenant', async () => {
      const t = aTenantId();
      const call = aRingingCall(t);
      await store().calls.create(call);
      expect(await store().calls.answer(aTenantId(), call.id, 'x', after(call, 1_000))).toBeNull();
      expect(await store().calls.answer(t, call.id, 'x', call.expiresAt)).toBeNull();
      expect((await store().calls.findById(t, call.id))?.state).toBe('RINGING');
    });

    it('ends a call only from the expected states, once', async () => {
      const t = aTenantId();
      const call = aRingingCall(t);
      await store().calls.create(call);
      expect(await store().calls.end(t, call.id, ['ACTIVE'], 'HANGUP', after(call, 1))).toBeNull();
      const at = after(call, 5_000);
      const ended = await store().calls.end(t, call.id, ['RINGING'], 'DECLINED', at);
      expect(ended).toMatchObject({ state: 'ENDED', endReason: 'DECLINED', endedAt: at });
      expect(await store().calls.end(t, call.id, ['RINGING', 'ACTIVE'], 'MISSED', at)).toBeNull();
      expect((await store().calls.findById(t, call.id))?.endReason).toBe('DECLINED');
    });

    it('lists live calls of either party: answered, or ringing and not yet expired', async () => {
      const t = aTenantId();
      const ringing = aRingingCall(t);
      const answered = aRingingCall(t, { calleeId: ringing.callerId });
      const ended = aRingingCall(t, { callerId: ringing.callerId });
      for (const c of [ringing, answered, ended]) await store().calls.create(c);
      await store().calls.answer(t, answered.id, 's', after(answered, 1));
      await store().calls.end(t, ended.id, ['RINGING'], 'CANCELLED', after(ended, 1));
      const user = ringing.callerId;
      const live = async (now: Date) =>
        (await store().calls.findLive(t, user, now)).map((c) => c.id).sort();
      expect(await live(after(ringing, 1_000))).toEqual([ringing.id, answered.id].sort());
      expect(await live(ringing.expiresAt)).toEqual([answered.id]);
      expect(await store().calls.findLive(t, ringing.calleeId, after(ringing, 1))).toHaveLength(1);
      expect(await store().calls.findLive(aTenantId(), user, after(ringing, 1))).toEqual([]);
    });

    it('lists expired invites across tenants, oldest first, and nothing answered or ended', async () => {
      const first = aRingingCall(aTenantId());
      const second = aRingingCall(aTenantId());
      const answered = aRingingCall(aTenantId());
      for (const c of [second, first, answered]) await store().calls.create(c);
      await store().calls.answer(answered.tenantId, answered.id, 's', after(answered, 1));
      const later = new Date(second.expiresAt.getTime() + 1);
      const ids = (await store().calls.listExpired(later, 10)).map((c) => c.id);
      expect(ids.filter((id) => [first.id, second.id, answered.id].includes(id))).toEqual([
        first.id,
        second.id,
      ]);
      expect(await store().calls.listExpired(new Date(first.expiresAt.getTime() - 1), 10)).toEqual(
        [],
      );
    });

    it('pages through answered calls of every tenant in id order, and nothing ringing or ended', async () => {
      const answered = [
        aRingingCall(aTenantId()),
        aRingingCall(aTenantId()),
        aRingingCall(aTenantId()),
      ];
      const ringing = aRingingCall(aTenantId());
      const ended = aRingingCall(aTenantId());
      for (const c of [...answered, ringing, ended]) await store().calls.create(c);
      for (const c of [...answered, ended])
        await store().calls.answer(c.tenantId, c.id, 's', after(c, 1));
      await store().calls.end(ended.tenantId, ended.id, ['ACTIVE'], 'HANGUP', after(ended, 2));

      const seen: Call[] = [];
      for (let afterId: string | null = null; ;) {
        const page = await store().calls.listActive(afterId, 2);
        expect(page.length).toBeLessThanOrEqual(2);
        seen.push(...page);
        if (page.length < 2) break;
        afterId = page[page.length - 1]!.id;
      }
      const ids = seen.map((c) => c.id);
      expect(ids).toEqual([...ids].sort());
      expect(new Set(ids).size).toBe(ids.length);
      expect(seen.every((c) => c.state === 'ACTIVE')).toBe(true);
      const ours = [...answered].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(seen.filter((c) => answered.some((a) => a.id === c.id))).toEqual(
        ours.map((c) => ({ ...c, state: 'ACTIVE', calleeSessionId: 's', answeredAt: after(c, 1) })),
      );
      expect(ids).not.toContain(ringing.id);
      expect(ids).not.toContain(ended.id);
      const [, second, third] = ours;
      expect((await store().calls.listActive(second!.id, 100)).map((c) => c.id)).not.toContain(
        second!.id,
      );
      expect((await store().calls.listActive(second!.id, 100)).map((c) => c.id)).toContain(
        third!.id,
      );
    });

    it('keeps the call summary of a call-history message, and none on other messages', async () => {
      const t = aTenantId();
      const { conversation, users } = await aChatOfTwo(store(), t);
      const summary = {
        callId: newId(),
        media: 'VOICE' as const,
        outcome: 'COMPLETED' as const,
        endReason: 'HANGUP' as const,
        durationSeconds: 75,
      };
      const input = aMessage(t, conversation.id, users[0].id, { body: 'Voice call (1:15)' });
      const { message } = await store().messages.append({ ...input, call: summary });
      expect(message.call).toEqual(summary);
      expect((await store().messages.findById(t, message.id))?.call).toEqual(summary);
      const plain = await store().messages.append(aMessage(t, conversation.id, users[1].id));
      expect((await store().messages.findById(t, plain.message.id))?.call).toBeNull();
    });
  });
}
