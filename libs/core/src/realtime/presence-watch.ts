import { UserId } from '../shared/ids';

/**
 * Whose presence and profile one stream follows: the caller's contacts and the users they share
 * a direct or group conversation with. The set only grows while the stream lives (a new direct
 * conversation, being added to a group, someone added to one of theirs, a contact added), up to
 * `cap` users; what the caller may actually see of each is decided when an event arrives
 * (UserViewPolicy), so following a user reveals nothing by itself.
 */
export class PresenceWatch {
  private readonly watched = new Set<UserId>();

  constructor(
    private readonly selfId: UserId,
    private readonly cap: number,
    private readonly follow: (userId: UserId) => Promise<void>,
  ) {}

  /** Starts following those of `userIds` not followed yet (never the caller), within the cap. */
  async add(userIds: Iterable<UserId>): Promise<void> {
    const fresh: UserId[] = [];
    for (const id of userIds) {
      if (id === this.selfId || this.watched.has(id)) continue;
      if (this.watched.size >= this.cap) break;
      this.watched.add(id);
      fresh.push(id);
    }
    await Promise.all(fresh.map((id) => this.follow(id)));
  }

  has(userId: UserId): boolean {
    return this.watched.has(userId);
  }

  get size(): number {
    return this.watched.size;
  }
}
