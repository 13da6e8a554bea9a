import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOSTILE_TEXT_PIECES, userText } from '@chatter/testing';
import { SHARED_PAYLOAD_MARK, SharedFrames, SharedPayload } from './shared-frames';

/** What graphql-ws does with a next message: JSON.stringify of { id, type, payload }. */
const graphqlWsFrame = (id: string, payload: unknown) =>
  JSON.stringify({ id, type: 'next', payload });

/** Any text, lone surrogates included: frames must stay exact and valid even for text the API would refuse. */
const anyText = fc.oneof(
  userText(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
);
const operationId = fc.oneof(
  fc.uuid(),
  anyText.filter((s) => s.length > 0),
);
const eventResult = fc.record({
  data: fc.record({
    chatEvents: fc.record({
      __typename: fc.constant('MessageAdded'),
      seq: fc.nat(),
      message: fc.record({
        id: fc.uuid(),
        body: fc.option(anyText),
        sender: fc.record({ id: fc.uuid(), name: anyText }),
      }),
    }),
  }),
});

describe('SharedFrames (exact frames for shared renders)', () => {
  it('assembles exactly the frame graphql-ws would have written for the payload itself, for any text', () => {
    fc.assert(
      fc.property(operationId, eventResult, (id, result) => {
        const frames = new SharedFrames();
        const shared = new SharedPayload(JSON.stringify(result));
        frames.hold(id, shared);
        const frame = frames.assemble(graphqlWsFrame(id, shared));
        expect(frame).toBe(graphqlWsFrame(id, result));
        expect(JSON.parse(frame)).toEqual({ id, type: 'next', payload: result });
        expect(frames.pending).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every replacement pattern and line terminator verbatim (the old String.replace splice did not)', () => {
    for (const piece of HOSTILE_TEXT_PIECES) {
      const body = `a${piece}b${piece}`;
      const result = { data: { chatEvents: { __typename: 'MessageAdded', message: { body } } } };
      const frames = new SharedFrames();
      const shared = new SharedPayload(JSON.stringify(result));
      frames.hold('1', shared);
      const frame = frames.assemble(graphqlWsFrame('1', shared));
      expect(JSON.parse(frame).payload.data.chatEvents.message.body, JSON.stringify(piece)).toBe(
        body,
      );
    }
  });

  it('passes every other frame through untouched, even when user text looks like the marker', () => {
    fc.assert(
      fc.property(
        operationId,
        fc.oneof(
          anyText,
          fc.constant(SHARED_PAYLOAD_MARK),
          fc.constant(`"${SHARED_PAYLOAD_MARK}"}`),
        ),
        fc.constantFrom('next', 'error', 'complete'),
        (id, text, type) => {
          const frames = new SharedFrames();
          frames.hold(id, new SharedPayload('{"data":null}'));
          const payload =
            type === 'error' ? [{ message: text }] : { data: { chatEvents: { body: text } } };
          const frame = JSON.stringify(type === 'complete' ? { id, type } : { id, type, payload });
          expect(frames.assemble(frame)).toBe(frame);
          expect(frames.pending).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the frames of several subscriptions on one socket apart, in any order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(operationId, { minLength: 1, maxLength: 6 }),
        fc.array(eventResult, { minLength: 6, maxLength: 6 }),
        (ids, results) => {
          const frames = new SharedFrames();
          const shared = ids.map((id, i) => {
            const payload = new SharedPayload(JSON.stringify(results[i]));
            frames.hold(id, payload);
            return payload;
          });
          for (let i = ids.length - 1; i >= 0; i--) {
            expect(JSON.parse(frames.assemble(graphqlWsFrame(ids[i]!, shared[i])))).toEqual({
              id: ids[i],
              type: 'next',
              payload: results[i],
            });
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses to put a marked frame on the wire without its payload', () => {
    const frames = new SharedFrames();
    const shared = new SharedPayload('{"data":{}}');
    expect(() => frames.assemble(graphqlWsFrame('7', shared))).toThrow(/without being held/);
    frames.hold('7', shared);
    frames.assemble(graphqlWsFrame('7', shared));
    expect(() => frames.assemble(graphqlWsFrame('7', shared))).toThrow(/without being held/);
  });

  it('gives the frames of one id their payloads in the order they were held (an id completed and reused at once)', () => {
    const frames = new SharedFrames();
    const first = new SharedPayload('{"data":{"n":1}}');
    const second = new SharedPayload('{"data":{"n":2}}');
    frames.hold('1', first);
    frames.hold('1', second);
    expect(frames.pending).toBe(2);
    expect(JSON.parse(frames.assemble(graphqlWsFrame('1', first))).payload).toEqual({
      data: { n: 1 },
    });
    expect(JSON.parse(frames.assemble(graphqlWsFrame('1', second))).payload).toEqual({
      data: { n: 2 },
    });
    expect(frames.pending).toBe(0);
  });

  it('serializes a shared payload as the marker only (graphql-ws validates it as an object payload)', () => {
    expect(JSON.stringify({ payload: new SharedPayload('{"data":{"x":"$&"}}') })).toBe(
      `{"payload":${JSON.stringify(SHARED_PAYLOAD_MARK)}}`,
    );
    expect(typeof new SharedPayload('{}')).toBe('object');
  });
});
