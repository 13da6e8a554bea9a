// Who is typing where. Entries expire by themselves: a lost "typing: false" must not leave
// "Ana is typing…" on screen forever.
export const TYPING_TTL_MS = 6_000;

type Listener = () => void;

export class TypingStore {
  private readonly byConversation = new Map<string, Map<string, { name: string; until: number }>>();
  private readonly listeners = new Set<Listener>();
  private snapshotCache = new Map<string, string[]>();

  constructor(private readonly now: () => number = Date.now) {}

  set(conversationId: string, user: { id: string; name: string }, typing: boolean): void {
    let users = this.byConversation.get(conversationId);
    if (typing) {
      if (!users) this.byConversation.set(conversationId, (users = new Map()));
      users.set(user.id, { name: user.name, until: this.now() + TYPING_TTL_MS });
    } else {
      users?.delete(user.id);
    }
    this.changed();
  }

  /** Removes a user everywhere (their message arrived: they are done typing). */
  clearUser(conversationId: string, userId: string): void {
    if (this.byConversation.get(conversationId)?.delete(userId)) this.changed();
  }

  /** Names currently typing; a stable array between changes (for useSyncExternalStore). */
  names(conversationId: string): string[] {
    const cached = this.snapshotCache.get(conversationId);
    const now = this.now();
    const users = this.byConversation.get(conversationId);
    const fresh = users ? [...users.values()].filter((u) => u.until > now).map((u) => u.name) : [];
    if (cached && cached.length === fresh.length && cached.every((n, i) => n === fresh[i]))
      return cached;
    this.snapshotCache.set(conversationId, fresh);
    return fresh;
  }

  /** Drops expired entries; call periodically. */
  sweep(): void {
    const now = this.now();
    let changed = false;
    for (const users of this.byConversation.values())
      for (const [id, u] of users)
        if (u.until <= now) {
          users.delete(id);
          changed = true;
        }
    if (changed) this.changed();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
