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
 * operation id) and the socket's send (which assembles the frame of that id). Each operation id
 * has at most one frame in flight, so frames of several subscriptions on one socket never mix.
 */
export class SharedFrames {
  /** JSON text of the operation id (as graphql-ws writes it in the frame) → payload JSON. */
  private readonly held = new Map<string, string>();

  hold(id: string, payload: SharedPayload): void {
    this.held.set(JSON.stringify(id), payload.json);
  }

  /** Forgets what an operation held (it completed before its frame was sent). */
  release(id: string): void {
    this.held.delete(JSON.stringify(id));
  }

  get pending(): number {
    return this.held.size;
  }

  /**
   * The frame to put on the wire: graphql-ws's frame unchanged, or, for a frame carrying a shared
   * payload's marker, the frame assembled from its parts. Throws when a marked frame has no held
   * payload (a frame must never reach the wire with the marker in it).
   */
  assemble(frame: string): string {
    if (!frame.endsWith(MARKED_TAIL) || !frame.startsWith(HEAD)) return frame;
    const id = frame.slice(HEAD.length, frame.length - MARKED_TAIL.length);
    const json = this.held.get(id);
    if (json === undefined) throw new Error('a shared payload reached the socket without being held for its operation');
    this.held.delete(id);
    return HEAD + id + TYPE_AND_PAYLOAD + json + '}';
  }
}
