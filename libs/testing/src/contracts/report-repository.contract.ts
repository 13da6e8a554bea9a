import { newId, Report } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aTenantId } from '../builders';
import { MakeStore, useStore } from './store-under-test';

/** Contract of `ReportRepository`. */
export function reportRepositoryContract(makeStore: MakeStore): void {
  describe('ReportRepository', () => {
    const store = useStore(makeStore);
    const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 8, 0, s));
    const aReport = (t: string, s: number, over: Partial<Report> = {}): Report => ({
      id: newId(),
      tenantId: t,
      reporterId: newId(),
      targetUserId: newId(),
      messageId: newId(),
      conversationId: newId(),
      reason: 'spam',
      note: 'see above',
      status: 'OPEN',
      outcome: null,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: at(s),
      ...over,
    });

    it('stores a report with every field and lists open ones oldest first, per tenant', async () => {
      const t = aTenantId();
      const late = aReport(t, 5, { messageId: null, conversationId: null, note: null });
      const early = aReport(t, 1);
      for (const r of [late, early, aReport(aTenantId(), 0)]) await store().reports.create(r);
      expect(await store().reports.findById(t, early.id)).toEqual(early);
      expect(await store().reports.findById(aTenantId(), early.id)).toBeNull();
      expect(await store().reports.listOpen(t, 10)).toEqual([early, late]);
      expect(await store().reports.listOpen(t, 1)).toEqual([early]);
    });

    it('resolves open reports once, keeping the first outcome; the reporter sees it', async () => {
      const t = aTenantId();
      const reporter = newId();
      const a = aReport(t, 1, { reporterId: reporter });
      const b = aReport(t, 2, { reporterId: reporter });
      for (const r of [a, b]) await store().reports.create(r);
      const mod = newId();
      const resolved = await store().reports.resolve(t, [a.id], 'USER_BANNED', mod, at(9));
      expect(resolved).toEqual([
        { ...a, status: 'RESOLVED', outcome: 'USER_BANNED', resolvedBy: mod, resolvedAt: at(9) },
      ]);
      const again = await store().reports.resolve(t, [a.id, b.id], 'DISMISSED', newId(), at(10));
      expect(again.map((r) => r.id)).toEqual([b.id]);
      expect((await store().reports.findById(t, a.id))?.outcome).toBe('USER_BANNED');
      expect(await store().reports.listOpen(t, 10)).toEqual([]);
      expect(
        (await store().reports.listByReporter(t, reporter, 10)).map((r) => [r.id, r.outcome]),
      ).toEqual([
        [b.id, 'DISMISSED'],
        [a.id, 'USER_BANNED'],
      ]);
    });
  });
}
