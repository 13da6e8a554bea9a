/**
 * Remembers which sequence numbers one receiver got per room, to count unique
 * deliveries and duplicates. A growable bitset per room: sequences are small and
 * dense, so this stays a few bytes per message even for long runs.
 */
export class SeqSet {
  private bits = new Uint8Array(64);
  private maxSeen = -1;

  /** Returns false when the sequence was already present (a duplicate). */
  add(seq: number): boolean {
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
    const byte = seq >> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (seq & 7);
    if (this.bits[byte]! & mask) return false;
    this.bits[byte]! |= mask;
    if (seq > this.maxSeen) this.maxSeen = seq;
    return true;
  }

  has(seq: number): boolean {
    const byte = seq >> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (seq & 7))) !== 0;
  }

  /** Highest sequence seen, or -1. */
  get max(): number {
    return this.maxSeen;
  }
}

/** Per-receiver view over all its rooms. */
export class ReceiverTracker {
  private readonly rooms = new Map<string, SeqSet>();

  add(room: string, seq: number): boolean {
    let s = this.rooms.get(room);
    if (!s) {
      s = new SeqSet();
      this.rooms.set(room, s);
    }
    return s.add(seq);
  }

  maxSeq(room: string): number {
    return this.rooms.get(room)?.max ?? -1;
  }

  roomsSeen(): string[] {
    return [...this.rooms.keys()];
  }
}
