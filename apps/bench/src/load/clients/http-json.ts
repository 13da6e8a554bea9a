import http from 'node:http';

/** Keep-alive JSON POSTs; one agent per process so sockets are reused across sends. */
export class HttpJson {
  private readonly agent: http.Agent;

  constructor(maxSockets = 64) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /**
   * idempotent: the request may be repeated after any connection error (Chatter's
   * sendMessage is, on clientMessageId); otherwise only when a reused keep-alive
   * socket turned out closed, where the request never reached the server.
   */
  post(
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 15_000,
    idempotent = false,
  ): Promise<{ status: number; json: unknown }> {
    return this.attempt(
      url,
      Buffer.from(JSON.stringify(body)),
      headers,
      timeoutMs,
      true,
      idempotent,
    );
  }

  private attempt(
    url: string,
    payload: Buffer,
    headers: Record<string, string>,
    timeoutMs: number,
    mayRetry: boolean,
    idempotent: boolean,
  ): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': String(payload.length),
            ...headers,
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = { raw: text.slice(0, 200) };
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while idle: the request never reached it (Node's documented retry case).
        const connectionError = err.code === 'ECONNRESET' || err.code === 'EPIPE';
        if (mayRetry && connectionError && (req.reusedSocket || idempotent)) {
          this.attempt(url, payload, headers, timeoutMs, false, idempotent).then(resolve, reject);
        } else reject(err);
      });
      req.end(payload);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}

export interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Shortest useful label for a failed GraphQL call, used to bucket error counts. */
export function errorCode(status: number, json: unknown): string {
  const r = json as GraphQLResponse<unknown>;
  const first = r?.errors?.[0];
  if (first) return first.extensions?.code ?? first.message.slice(0, 60);
  return status >= 400 ? `HTTP_${status}` : 'NO_DATA';
}
