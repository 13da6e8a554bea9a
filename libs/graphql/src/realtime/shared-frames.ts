/**
 * Exact frames for shared renders. An event whose selection does not depend on the viewer is
 * serialized once (`SharedPayload.json`) and that text goes, unchanged, into the `next` frame of
 * every subscriber that shares the render.
 *
 * graphql-ws stringifies each frame itself and hands our socket a string. A shared payload
 * stringifies to a fixed marker (toJSON), so graphql-ws's frame for it is exactly
 * `{"id":<id>,"type":"next","payload":"<marker>"}`. The socket's SharedFrames then rebuilds the
 * frame by concatenating known parts: the id text graphql-ws wrote, the fixed `type` text and the
 * held payload text. Nothing is searched for or replaced inside user content, so any text a
 * payload can hold (including `$&`, `$'`, U+2028) reaches the wire byte for byte.
 */

/** What a shared payload serializes to inside graphql-ws's frame (never user text: it starts with U+0000). */
export const SHARED_PAYLOAD_MARK = '\u0000chatter:shared-payload';

const HEAD = '{"id":';
const TYPE_AND_PAYLOAD = ',"type":"next","payload":';
const MARKED_TAIL = `${TYPE_AND_PAYLOAD}${JSON.stringify(SHARED_PAYLOAD_MARK)}}`;

/** One serialization of one execution result, shared by every subscriber with the same selection. */
export class SharedPayload {
  constructor(readonly json: string) {}

  toJSON(): string {
    return SHARED_PAYLOAD_MARK;
  }
}

/**
 * A socket's shared payloads between graphql-ws's onNext hook (which holds the payload of an
 * operation id) and the socket's send (which assembles the frame of that id). graphql-ws always
 * sends right after onNext, in order, so each held payload is taken by the next marked frame of
 * its id: first held, first sent (an id completed and reused at once keeps its frames apart).
 */
export class SharedFrames {
  /** JSON text of the operation id (as graphql-ws writes it in the frame) → payload JSON, oldest first. */
  private readonly held = new Map<string, string[]>();

  hold(id: string, payload: SharedPayload): void {
    const key = JSON.stringify(id);
    const queue = this.held.get(key);
    if (queue) queue.push(payload.json);
    else this.held.set(key, [payload.json]);
  }

  /** Payloads held and not yet framed. */
  get pending(): number {
    let n = 0;
    for (const queue of this.held.values()) n += queue.length;
    return n;
  }

  /**
   * The frame to put on the wire: graphql-ws's frame unchanged, or, for a frame carrying a shared
   * payload's marker, the frame assembled from its parts. Throws when a marked frame has no held
   * payload (a frame must never reach the wire with the marker in it).
   */
  assemble(frame: string): string {
    if (!frame.endsWith(MARKED_TAIL) || !frame.startsWith(HEAD)) return frame;
    const id = frame.slice(HEAD.length, frame.length - MARKED_TAIL.length);
    const queue = this.held.get(id);
    const json = queue?.shift();
    if (json === undefined)
      throw new Error('a shared payload reached the socket without being held for its operation');
    if (queue!.length === 0) this.held.delete(id);
    return HEAD + id + TYPE_AND_PAYLOAD + json + '}';
  }
}
