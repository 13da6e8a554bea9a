import { AuditAction, AuditEntry, newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId } from '../builders';
import { MakeStore, useStore } from './store-under-test';

/** Contract of `AuditLogRepository`. */
export function auditLogRepositoryContract(makeStore: MakeStore): void {
  describe('AuditLogRepository', () => {
    const store = useStore(makeStore);
    const at = (s: number) => new Date(Date.UTC(2026, 3, 1, 9, 0, s));
    const anEntry = (t: string, s: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
      id: newId(),
      tenantId: t,
      actorId: newId(),
      action: 'USER_BANNED',
      targetUserId: newId(),
      conversationId: null,
      messageId: null,
      reason: null,
      details: {},
      at: at(s),
      ...over,
    });

    it('keeps every field of an entry and reads newest first', async () => {
      const t = aTenantId();
      const full = anEntry(t, 5, {
        actorId: null,
        action: 'MESSAGE_DELETED',
        conversationId: newId(),
        messageId: newId(),
        reason: 'spam, in "quotes"',
        details: { count: 3, role: 'ADMIN', until: null, wiped: true },
      });
      const older = anEntry(t, 1);
      await store().auditLog.append(older);
      await store().auditLog.append(full);
      await store().auditLog.append(anEntry(aTenantId(), 9));
      const page = await store().auditLog.list(t, {}, { first: 10, after: null });
      expect(page.items).toEqual([full, older]);
      expect(page.hasNextPage).toBe(false);
    });

    it('pages by keyset without gaps or repeats, also among entries of the same instant', async () => {
      const t = aTenantId();
      const entries = [0, 1, 1, 1, 2, 3, 3].map((s) => anEntry(t, s));
      for (const e of entries) await store().auditLog.append(e);
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page = await store().auditLog.list(t, {}, { first: 3, after });
        seen.push(...page.items.map((e) => e.id));
        if (!page.hasNextPage) break;
        after = page.cursors.at(-1)!;
      }
      const expected = [...entries]
        .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
        .map((e) => e.id);
      expect(seen).toEqual(expected);
    });

    it('filters by action, actor, target and time, together', async () => {
      const t = aTenantId();
      const admin = newId();
      const spammer = newId();
      const actions: [AuditAction, string, string, number][] = [
        ['USER_SUSPENDED', admin, spammer, 1],
        ['USER_BANNED', admin, spammer, 2],
        ['USER_BANNED', newId(), newId(), 3],
        ['SANCTION_LIFTED', admin, newId(), 4],
      ];
      const written: AuditEntry[] = [];
      for (const [action, actorId, targetUserId, s] of actions) {
        const e = anEntry(t, s, { action, actorId, targetUserId });
        written.push(e);
        await store().auditLog.append(e);
      }
      const ids = async (filter: Parameters<StoreList>[1]) =>
        (await store().auditLog.list(t, filter, { first: 10, after: null })).items.map((e) => e.id);
      type StoreList = ReturnType<typeof store>['auditLog']['list'];
      expect(await ids({ action: 'USER_BANNED' })).toEqual([written[2]!.id, written[1]!.id]);
      expect(await ids({ actorId: admin })).toEqual([
        written[3]!.id,
        written[1]!.id,
        written[0]!.id,
      ]);
      expect(await ids({ targetUserId: spammer, action: 'USER_BANNED' })).toEqual([written[1]!.id]);
      expect(await ids({ since: at(2), before: at(4) })).toEqual([written[2]!.id, written[1]!.id]);
      expect(await ids({ actorId: newId() })).toEqual([]);
    });
  });
}
