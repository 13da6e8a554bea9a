import WebSocket from 'ws';
import type { ApiProcess } from '../support';

export interface RawFrame {
  id?: string;
  type: string;
  payload?: unknown;
}

/**
 * A graphql-transport-ws client written against the raw `ws` socket: it keeps every frame's text
 * as received and parses each with JSON.parse, so a malformed frame is seen as such (not hidden
 * or turned into a close by a client library).
 */
export class RawSocket {
  /** Every text frame, as received. */
  readonly texts: string[] = [];
  readonly frames: RawFrame[] = [];
  /** Frames that are not valid JSON. */
  readonly invalid: string[] = [];
  closed: { code: number; reason: string } | null = null;
  private nextId = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '<binary frame>' : String(data);
      this.texts.push(text);
      try {
        this.frames.push(JSON.parse(text) as RawFrame);
      } catch {
        this.invalid.push(text);
      }
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }

  static async open(api: Pick<ApiProcess, 'wsUrl'>, token: string): Promise<RawSocket> {
    const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const socket = new RawSocket(ws);
    ws.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );
    await socket.until(
      () => socket.frames.some((f) => f.type === 'connection_ack'),
      10_000,
      'connection_ack',
    );
    return socket;
  }

  subscribe(
    query: string,
    variables: Record<string, unknown> = {},
    id = `op-${++this.nextId}`,
  ): string {
    this.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    return id;
  }

  /** The `next` payloads received for an operation id, in order. */
  results<T = Record<string, unknown>>(
    id: string,
  ): { data?: T; errors?: { message: string; extensions?: { code?: string } }[] }[] {
    return this.frames
      .filter((f) => f.id === id && f.type === 'next')
      .map((f) => f.payload as { data?: T });
  }

  /** Runs a query or mutation over the socket; resolves with its single result (next, or error frame). */
  async request<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] }> {
    const id = this.subscribe(query, variables);
    await this.until(
      () => this.frames.some((f) => f.id === id && (f.type === 'complete' || f.type === 'error')),
      10_000,
      `the result of ${id}`,
    );
    const error = this.frames.find((f) => f.id === id && f.type === 'error');
    if (error)
      return { errors: error.payload as { message: string; extensions?: { code?: string } }[] };
    return this.results<T>(id)[0] as { data?: T | null };
  }

  complete(id: string): void {
    this.ws.send(JSON.stringify({ id, type: 'complete' }));
  }

  async until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.closed)
        throw new Error(
          `socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${what}`,
        );
      if (Date.now() > end)
        throw new Error(
          `timed out waiting for ${what}; last frames ${this.texts.slice(-5).join('\n').slice(0, 2000)}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise((r) => this.ws.once('close', r));
    this.ws.close(1000);
    await done;
  }
}
