import { Clock } from '../../shared/clock';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { PresenceStore } from '../../events/presence.port';
import { ManageCalls } from './manage-calls.use-case';
import { CallRepository } from '../call.repository';

/**
 * Answered calls a party left without hanging up: the tab was closed, the device lost its
 * network or ran out of battery. Nothing else would end them (only invites expire), and a call
 * that stays ACTIVE keeps both people busy for good. So when one party has had no connected
 * device at all (presence OFFLINE: no chat stream anywhere) for `callDisconnectGraceMs`, the call
 * ends as FAILED, dated when that party was first seen gone. A party who reconnects within the
 * grace (a reload, a network change, a server restart) keeps the call. Every instance sweeps;
 * each keeps its own first-seen times, and ending is a compare-and-set, so a call ends once.
 */
@UseCase()
export class AbandonedCalls {
  /** Call id → when this instance first saw one of its parties with no connected device. */
  private readonly goneSince = new Map<string, Date>();

  constructor(
    private readonly calls: CallRepository,
    private readonly presence: PresenceStore,
    private readonly manage: ManageCalls,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** One sweep over every answered call; returns how many it ended. */
  async sweep(pageSize = 100): Promise<number> {
    const now = this.clock.now();
    const active = new Set<string>();
    let ended = 0;
    for (let after: string | null = null; ;) {
      const page = await this.calls.listActive(after, pageSize);
      for (const call of page) {
        active.add(call.id);
        const states = await this.presence.get(
          call.tenantId,
          [call.callerId, call.calleeId],
          now,
          this.settings.awayAfterMs,
        );
        const connected = new Set(
          states.filter((s) => s.status !== 'OFFLINE').map((s) => s.userId),
        );
        const gone = [call.callerId, call.calleeId].find((u) => !connected.has(u));
        if (!gone) {
          this.goneSince.delete(call.id);
          continue;
        }
        const since = this.goneSince.get(call.id) ?? now;
        this.goneSince.set(call.id, since);
        if (now.getTime() - since.getTime() < this.settings.callDisconnectGraceMs) continue;
        this.goneSince.delete(call.id);
        if (await this.manage.endLost(call, gone, since)) ended++;
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.id;
    }
    for (const id of [...this.goneSince.keys()]) if (!active.has(id)) this.goneSince.delete(id);
    return ended;
  }
}
