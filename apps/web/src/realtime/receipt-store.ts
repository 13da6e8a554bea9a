// Read and delivered pointers of other members, learned from ReadReceipt and DeliveryReceipt
// events. The server's Message.readBy and deliveredTo count at fetch time; these pointers count
// since then (reading implies receipt).
type Listener = () => void;

export class ReceiptStore {
  private readonly pointers = new Map<string, Map<string, number>>();
  private readonly delivered = new Map<string, Map<string, number>>();
  private readonly listeners = new Set<Listener>();
  private version = 0;

  set(conversationId: string, userId: string, seq: number): void {
    this.move(this.pointers, conversationId, userId, seq);
  }

  setDelivered(conversationId: string, userId: string, seq: number): void {
    this.move(this.delivered, conversationId, userId, seq);
  }

  /** How many members other than `exceptUserId` are known to have received up to `seq`. */
  receiversAtLeast(conversationId: string, seq: number, exceptUserId: string): number {
    const users = new Set<string>();
    for (const source of [this.pointers, this.delivered])
      for (const [userId, s] of source.get(conversationId) ?? [])
        if (userId !== exceptUserId && s >= seq) users.add(userId);
    return users.size;
  }

  private move(
    source: Map<string, Map<string, number>>,
    conversationId: string,
    userId: string,
    seq: number,
  ): void {
    let m = source.get(conversationId);
    if (!m) source.set(conversationId, (m = new Map()));
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
