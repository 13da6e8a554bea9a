import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEmitter } from 'node:events';
import * as ws from 'ws';
import { userText } from '@chatter/testing';
import { nextFrame, PayloadBytes } from './next-frame';

/** `ws`'s frame parser (exported by `ws`, not declared by its types). */
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => EventEmitter & {
    write(chunk: Buffer): boolean;
  };
};

/** What a WebSocket client reads from these bytes. */
function received(bytes: Buffer): { text: string; binary: boolean }[] {
  const out: { text: string; binary: boolean }[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on('message', (data: Buffer, binary: boolean) =>
    out.push({ text: data.toString('utf8'), binary }),
  );
  receiver.on('error', (error: Error) => {
    throw error;
  });
  receiver.write(bytes);
  return out;
}

const headOf = (id: string) => `{"id":${JSON.stringify(id)},"type":"next","payload":`;

describe('nextFrame', () => {
  it('is one text message holding exactly head + payload + }, for any id and payload', () => {
    fc.assert(
      fc.property(
        userText({ maxPieces: 3 }),
        fc.oneof(userText({ maxPieces: 6 }), fc.string({ unit: 'binary' })),
        (id, body) => {
          const head = headOf(id);
          const json = JSON.stringify({ data: { body } });
          const frame = nextFrame(head, Buffer.byteLength(head), Buffer.from(json));
          expect(received(frame)).toEqual([{ text: head + json + '}', binary: false }]);
        },
      ),
    );
  });

  it('uses each length encoding at its bounds (7-bit, 16-bit, 64-bit)', () => {
    const head = headOf('events');
    const headBytes = Buffer.byteLength(head);
    for (const total of [125, 126, 127, 65_535, 65_536, 70_000]) {
      const json = `"${'é'.repeat(1)}${'x'.repeat(total - headBytes - 1 - 4)}"`;
      const frame = nextFrame(head, headBytes, Buffer.from(json));
      const text = head + json + '}';
      expect(Buffer.byteLength(text)).toBe(total);
      expect(frame.length - Buffer.byteLength(text)).toBe(
        total < 126 ? 2 : total < 65_536 ? 4 : 10,
      );
      expect(received(frame)).toEqual([{ text, binary: false }]);
    }
  });

  it('refuses a head shorter than its stated length (it would leave bytes unwritten)', () => {
    expect(() => nextFrame('{"id":"é",', 12, Buffer.from('1'))).toThrow(RangeError);
  });
});

describe('PayloadBytes', () => {
  it('gives the UTF-8 bytes of each text, encoding a repeated one once', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), (texts) => {
        const bytes = new PayloadBytes();
        for (const text of texts) {
          const first = bytes.of(text);
          expect(first.equals(Buffer.from(text, 'utf8'))).toBe(true);
          expect(bytes.of(text)).toBe(first);
        }
      }),
    );
  });
});
