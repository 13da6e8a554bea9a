import { UserActivity } from '../events/user-activity.port';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { CoreSettings } from '../shared/settings';
import { DomainService } from '../shared/domain-service';
import { UserRepository } from '../identity/user.repository';
import { User } from '../identity/user';
import { UserView, UserViewPolicy } from '../identity/profile/user-view.policy';
import { UserId } from '../shared/ids';
import { PresenceState, PresenceStore, PresenceTransition } from '../events/presence.port';
import { RealtimePublisher } from '../events/realtime-publisher';

/** Presence of users from their live connections, published on transitions only. */
@DomainService()
export class PresenceService extends UserActivity {
  constructor(
    private readonly store: PresenceStore,
    private readonly users: UserRepository,
    private readonly policy: UserViewPolicy,
    private readonly publisher: RealtimePublisher,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {
    super();
  }

  async connected(actor: Actor, connectionId: string): Promise<void> {
    await this.announce(
      await this.store.connect(
        actor.tenantId,
        actor.userId,
        connectionId,
        this.settings.presenceTtlMs,
        this.clock.now(),
      ),
    );
  }

  async heartbeat(actor: Actor, connectionId: string): Promise<void> {
    await this.store.heartbeat(
      actor.tenantId,
      actor.userId,
      connectionId,
      this.settings.presenceTtlMs,
      this.clock.now(),
    );
  }

  async active(actor: Actor): Promise<void> {
    await this.announce(await this.store.activity(actor.tenantId, actor.userId, this.clock.now()));
  }

  async disconnected(actor: Actor, connectionId: string): Promise<void> {
    await this.announce(
      await this.store.disconnect(actor.tenantId, actor.userId, connectionId, this.clock.now()),
    );
  }

  /** Expires connections of crashed instances and marks idle users AWAY. */
  async sweep(): Promise<number> {
    const transitions = await this.store.sweep(this.clock.now(), this.settings.awayAfterMs);
    for (const t of transitions) await this.announce(t);
    return transitions.length;
  }

  /**
   * Presence of users as the viewer may see it (hidden = OFFLINE without lastSeenAt); `knownViews`
   * are the viewer's views of them when the caller already has them (no second read).
   */
  async viewFor(
    viewerId: string,
    targets: readonly User[],
    knownViews?: ReadonlyMap<UserId, UserView>,
  ): Promise<Map<string, PresenceState>> {
    const result = new Map<string, PresenceState>();
    if (targets.length === 0) return result;
    const tenantId = targets[0]!.tenantId;
    const [states, views] = await Promise.all([
      this.store.get(
        tenantId,
        targets.map((t) => t.id),
        this.clock.now(),
        this.settings.awayAfterMs,
      ),
      knownViews ?? this.policy.viewsOf(viewerId, targets),
    ]);
    const byId = new Map(states.map((s) => [s.userId, s]));
    for (const target of targets) {
      const visible = views.get(target.id)?.presenceVisible ?? false;
      const state = byId.get(target.id);
      result.set(
        target.id,
        visible
          ? {
              userId: target.id,
              status: state?.status ?? 'OFFLINE',
              lastSeenAt: state?.lastSeenAt ?? target.lastSeenAt,
            }
          : { userId: target.id, status: 'OFFLINE', lastSeenAt: null },
      );
    }
    return result;
  }

  private async announce(transition: PresenceTransition | null): Promise<void> {
    if (!transition) return;
    if (transition.status === 'OFFLINE' && transition.lastSeenAt) {
      await this.users.setLastSeen(transition.tenantId, transition.userId, transition.lastSeenAt);
    }
    // The event carries the user as of now, so rendering it reads nothing.
    const user = await this.users.findById(transition.tenantId, transition.userId);
    if (!user) return;
    await this.publisher.toPresence({
      type: 'PRESENCE',
      tenantId: transition.tenantId,
      userId: transition.userId,
      status: transition.status,
      lastSeenAt: transition.lastSeenAt,
      user,
    });
  }
}
