import fc from 'fast-check';
import { SendMessageDocument } from '@chatter/client';
import { describe, expect, it } from 'vitest';
import { ChatterError, NetworkError } from './errors';
import { GraphqlHttp } from './graphql-http';
import { isRetryable } from './errors';
import { Outbox, type Sender } from './outbox';
import { message, fakeServer } from './testing-fakes';
import { TokenSource } from './token-source';

const fast = { baseMs: 1, maxMs: 4 };

/** sendMessage over HTTP, as ChatterClient.deliver does without a socket. */
const sender =
  (http: GraphqlHttp): Sender =>
  async (m) => {
    try {
      const data = await http.request(SendMessageDocument, {
        input: {
          conversationId: m.conversationId,
          body: m.body,
          clientMessageId: m.clientMessageId,
        },
      });
      return { ok: true, message: data.sendMessage };
    } catch (error) {
      return isRetryable(error)
        ? { ok: false, retryable: true, error: String(error), cause: error }
        : { ok: false, retryable: false, error: String(error), cause: error };
    }
  };

describe('Outbox', () => {
  it('retries transient failures with the same clientMessageId and keeps call order', async () => {
    // Each send fails a random number of times (network down, 503, rate limited) first.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
        async (failures) => {
          const remaining = new Map<string, number>();
          const stored: string[] = [];
          const order: string[] = [];
          let i = 0;
          const server = fakeServer({
            SendMessage: (v) => {
              const input = v['input'] as { clientMessageId: string; body: string };
              if (!remaining.has(input.clientMessageId))
                remaining.set(input.clientMessageId, failures[i++] ?? 0);
              const left = remaining.get(input.clientMessageId)!;
              if (left > 0) {
                remaining.set(input.clientMessageId, left - 1);
                const kind = left % 3;
                if (kind === 0) return new TypeError('fetch failed');
                if (kind === 1) return { status: 503, body: {} };
                return {
                  body: {
                    errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }],
                  },
                };
              }
              if (!stored.includes(input.clientMessageId)) stored.push(input.clientMessageId);
              order.push(input.body);
              return { body: { data: { sendMessage: message('c', stored.length, input.body) } } };
            },
          });
          const outbox = new Outbox(
            sender(new GraphqlHttp('http://x/graphql', new TokenSource('t'), server.fetch)),
            fast,
          );
          const bodies = failures.map((_, n) => `hello ${n}`);
          const sent = await Promise.all(
            bodies.map((body) => outbox.send({ conversationId: 'c', body })),
          );
          expect(sent.map((m) => m.body)).toEqual(bodies);
          expect(order).toEqual(bodies);
          expect(stored).toHaveLength(bodies.length);
          expect(outbox.pending()).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rejects a refused send with its code and goes on with the next', async () => {
    const server = fakeServer({
      SendMessage: (v) => {
        const input = v['input'] as { body: string; clientMessageId: string };
        return input.body === 'bad'
          ? { body: { errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] } }
          : { body: { data: { sendMessage: message('c', 1, input.body) } } };
      },
    });
    const outbox = new Outbox(
      sender(new GraphqlHttp('http://x/graphql', new TokenSource('t'), server.fetch)),
      fast,
    );
    const bad = outbox.send({ conversationId: 'c', body: 'bad', clientMessageId: 'fixed-1' });
    const good = outbox.send({ conversationId: 'c', body: 'good' });
    await expect(bad).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bad).rejects.toBeInstanceOf(ChatterError);
    expect((await good).body).toBe('good');
    expect(
      server.calls.map(
        (c) => (c.variables['input'] as { clientMessageId: string }).clientMessageId,
      )[0],
    ).toBe('fixed-1');
  });

  it('gives up after maxAttempts, and close() rejects what waits', async () => {
    const server = fakeServer({ SendMessage: () => new TypeError('offline') });
    const outbox = new Outbox(
      sender(new GraphqlHttp('http://x/graphql', new TokenSource('t'), server.fetch)),
      {
        ...fast,
        maxAttempts: 3,
      },
    );
    await expect(outbox.send({ conversationId: 'c', body: 'x' })).rejects.toBeInstanceOf(
      NetworkError,
    );
    expect(server.calls).toHaveLength(3);
    const waiting = new Outbox(
      sender(new GraphqlHttp('http://x/graphql', new TokenSource('t'), server.fetch)),
      {
        baseMs: 60_000,
      },
    );
    const queued = waiting.send({ conversationId: 'c', body: 'y' });
    await new Promise((r) => setTimeout(r, 5));
    expect(waiting.pending()).toHaveLength(1);
    waiting.close();
    await expect(queued).rejects.toThrow('closed');
  });
});
