// Read pointers of other members, learned from ReadReceipt events. The server's
// Message.readBy counts readers at fetch time; these pointers count readers since then.
type Listener = () => void;

export class ReceiptStore {
  private readonly pointers = new Map<string, Map<string, number>>();
  private readonly listeners = new Set<Listener>();
  private version = 0;

  set(conversationId: string, userId: string, seq: number): void {
    let m = this.pointers.get(conversationId);
    if (!m) this.pointers.set(conversationId, (m = new Map()));
    if ((m.get(userId) ?? -1) >= seq) return;
    m.set(userId, seq);
    this.version++;
    for (const l of this.listeners) l();
  }

  /** How many members other than `exceptUserId` are known to have read up to `seq`. */
  readersAtLeast(conversationId: string, seq: number, exceptUserId: string): number {
    let n = 0;
    for (const [userId, s] of this.pointers.get(conversationId) ?? [])
      if (userId !== exceptUserId && s >= seq) n++;
    return n;
  }

  getVersion = (): number => this.version;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
