import { describe, expect, it } from 'vitest';
import { CLOSE_SLOW_CONSUMER, FrameSender } from './frame-sender';
import { FakeSocket } from './testing/fake-socket';

const logs: string[] = [];
const logger = {
  warn: (_o: unknown, m: string) => logs.push(m),
};
const tick = () => new Promise((r) => setImmediate(r));

function sender(clock = { ms: 0 }) {
  return new FrameSender({ maxBufferedBytes: 1_000, slowConsumerMs: 500 }, logger, () => clock.ms);
}

describe('FrameSender', () => {
  it('puts frames on the wire unchanged, from graphql-ws and from lanes', async () => {
    const ws = new FakeSocket();
    const state = ws.state();
    const s = sender();
    await s.send(state, '{"type":"connection_ack"}');
    s.write(state, '{"id":"op-1","type":"next","payload":{"data":{"body":"$& $` $\' $$"}}}');
    expect(ws.sent).toEqual([
      '{"type":"connection_ack"}',
      '{"id":"op-1","type":"next","payload":{"data":{"body":"$& $` $\' $$"}}}',
    ]);
  });

  it('writes a subscription frame as one buffer holding exactly head + payload + }', () => {
    const ws = new FakeSocket();
    const state = ws.state();
    const s = sender();
    const head = '{"id":"événements $&","type":"next","payload":';
    const json = '{"data":{"body":"$& \u2028 \u202e 😀"}}';
    s.writeNext(state, head, Buffer.byteLength(head), json);
    s.writeNext(state, head, Buffer.byteLength(head), json);
    expect(ws.sent).toEqual([head + json + '}', head + json + '}']);
    expect(ws.framesWritten).toBe(2);
  });

  it('applies the same budget to subscription frames as to any other', () => {
    const ws = new FakeSocket();
    ws.bufferedAmount = 4_001;
    sender().writeNext(ws.state(), '{"id":"1","type":"next","payload":', 35, '{}');
    expect(ws.closed?.code).toBe(CLOSE_SLOW_CONSUMER);
    expect(ws.sent).toEqual([]);
  });

  it('batches the frames one piece of work makes into one write per socket, flushed once it is done', async () => {
    const ws = new FakeSocket();
    const state = ws.state();
    const s = sender();
    const other = new FakeSocket();
    const otherState = other.state();
    void s.send(state, '{"a":1}');
    s.write(otherState, '{"b":1}');
    s.write(otherState, '{"b":2}');
    expect([ws.corks, ws.uncorks, other.corks, other.uncorks]).toEqual([1, 0, 1, 0]);
    await null;
    expect([ws.corks, ws.uncorks, other.corks, other.uncorks]).toEqual([1, 1, 1, 1]);
    expect(other.sent).toEqual(['{"b":1}', '{"b":2}']);
    await s.send(state, '{"a":2}');
    expect(ws.corks).toBe(2);
    expect(ws.sent).toHaveLength(2);
  });

  it('lets a frame written in the check phase (where group commits run) leave in that same phase', async () => {
    const ws = new FakeSocket();
    const state = ws.state();
    const s = sender();
    const seen = await new Promise<number>((resolve) => {
      setImmediate(() => s.write(state, '{"n":1}'));
      setImmediate(() => resolve(ws.uncorks));
    });
    expect(seen).toBe(1);
  });

  it('closes a consumer that stays over its buffer budget for longer than allowed with 4013, and forgives one that catches up', async () => {
    const clock = { ms: 0 };
    const s = sender(clock);
    const ws = new FakeSocket();
    const state = ws.state();
    ws.bufferedAmount = 1_500;
    await s.send(state, '{}');
    clock.ms = 400;
    await s.send(state, '{}');
    expect(ws.closed).toBeNull();
    ws.bufferedAmount = 10; // caught up
    await s.send(state, '{}');
    expect(state.slowSince).toBeNull();
    ws.bufferedAmount = 1_500;
    clock.ms = 1_000;
    await s.send(state, '{}');
    clock.ms = 1_501;
    await s.send(state, '{}');
    expect(ws.closed).toEqual({
      code: CLOSE_SLOW_CONSUMER,
      reason: 'Slow consumer: resume with cursors',
    });
    expect(ws.sent).toHaveLength(4);
  });

  it('does not count its own corked frames against a client: a replay written in one go goes to the kernel first', async () => {
    const ws = new FakeSocket();
    ws.bytesPerSend = 600;
    const state = ws.state();
    const s = sender();
    // 20 frames of 600 bytes in one round: 12 kB, three times the 4 kB that closes at once.
    for (let i = 0; i < 20; i++) s.write(state, `{"n":${i}}`);
    expect(ws.closed).toBeNull();
    expect(ws.sent).toHaveLength(20);
    expect(ws.uncorks).toBeGreaterThan(0);
    await tick();
    expect(ws.corks).toBe(ws.uncorks);
  });

  it('still closes a client whose kernel buffer takes none of it', () => {
    const ws = new FakeSocket();
    ws.bytesPerSend = 600;
    ws.kernelTakesAll = false;
    const state = ws.state();
    const s = sender();
    for (let i = 0; i < 20 && !ws.closed; i++) s.write(state, `{"n":${i}}`);
    expect(ws.closed?.code).toBe(CLOSE_SLOW_CONSUMER);
  });

  it('closes at once when the buffer passes four times the budget', async () => {
    const ws = new FakeSocket();
    ws.bufferedAmount = 4_001;
    await sender().send(ws.state(), '{}');
    expect(ws.closed?.code).toBe(CLOSE_SLOW_CONSUMER);
    expect(ws.sent).toEqual([]);
  });

  it('sends nothing on a socket that is no longer open', async () => {
    const ws = new FakeSocket();
    ws.readyState = 2;
    await sender().send(ws.state(), '{}');
    expect(ws.sent).toEqual([]);
  });
});
