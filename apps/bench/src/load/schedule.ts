/**
 * Open-loop schedule: event i is due at t0 + i / rate whatever happened to earlier
 * events, so a slow server shows up as latency instead of as a lower send rate.
 */
export interface SchedulePlan {
  t0Us: number;
  /** Events per second over all rooms. */
  rate: number;
  total: number;
  roomCount: number;
  /** For each room, the connection indexes that take turns sending to it. */
  senders: number[][];
  /** Added to the per-room counter to give the publisher sequence number. */
  seqBase: number;
}

export interface ScheduledEvent {
  index: number;
  dueUs: number;
  room: number;
  /** The k-th event of its room in this schedule. */
  roomOrdinal: number;
  senderConn: number;
  publisherSeq: number;
}

export function eventAt(plan: SchedulePlan, index: number): ScheduledEvent {
  const room = index % plan.roomCount;
  const roomOrdinal = Math.floor(index / plan.roomCount);
  const senders = plan.senders[room];
  if (!senders || senders.length === 0) throw new Error(`room ${room} has no senders`);
  return {
    index,
    dueUs: plan.t0Us + Math.round((index * 1e6) / plan.rate),
    room,
    roomOrdinal,
    senderConn: senders[roomOrdinal % senders.length] as number,
    publisherSeq: plan.seqBase + roomOrdinal + 1,
  };
}

/** Events per room (the largest room count), used to keep publisher seqs unique across phases. */
export function eventsPerRoom(total: number, roomCount: number): number {
  return Math.ceil(total / roomCount);
}

/**
 * Yields due events in order as time passes. `owned` filters to this worker's
 * senders; every worker walks the same schedule so no coordination is needed.
 */
export class ScheduleCursor {
  private next = 0;

  constructor(
    private readonly plan: SchedulePlan,
    private readonly owned: (conn: number) => boolean,
  ) {}

  get done(): boolean {
    return this.next >= this.plan.total;
  }

  /** Due time of the next event (owned or not), or undefined when finished. */
  get nextDueUs(): number | undefined {
    return this.done ? undefined : this.plan.t0Us + Math.round((this.next * 1e6) / this.plan.rate);
  }

  takeDue(now: number, max = Number.MAX_SAFE_INTEGER): ScheduledEvent[] {
    const out: ScheduledEvent[] = [];
    while (this.next < this.plan.total && out.length < max) {
      const ev = eventAt(this.plan, this.next);
      if (ev.dueUs > now) break;
      this.next++;
      if (this.owned(ev.senderConn)) out.push(ev);
    }
    return out;
  }
}
