// The logic of the message list's hooks, each on its own: outbox reconciliation, what read
// marking waits for, how messages group, and where the keyboard moves focus.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/react';
import fc from 'fast-check';
import type { PendingMessage } from '@chatter/sdk';
import { message } from '../test/fixtures';
import { undelivered } from './use-pending-messages';
import { newestFromOthers } from './use-mark-read';
import { GROUP_WINDOW_MS, placement } from './message-placement';
import { useListKeyboard } from './use-list-keyboard';

const pending = (clientMessageId: string, conversationId = 'c1'): PendingMessage => ({
  clientMessageId,
  conversationId,
  body: clientMessageId,
  replyToId: null,
  createdAt: '2026-01-01T12:00:00.000Z',
  status: 'pending',
  attempts: 0,
});

describe('undelivered (outbox reconciliation)', () => {
  it('keeps this conversation’s sends until their confirmed copy is loaded', () => {
    const confirmed = { ...message('c1', 1, 'me'), clientMessageId: 'a' };
    const list = [pending('a'), pending('b'), pending('x', 'c2')];
    expect(undelivered(list, [confirmed], 'c1').map((p) => p.clientMessageId)).toEqual(['b']);
    expect(undelivered(list, [], 'c2').map((p) => p.clientMessageId)).toEqual(['x']);
  });

  it('never shows a send twice nor drops one that is not confirmed', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (ids, confirmed) => {
          const messages = ids
            .filter((_, i) => confirmed[i])
            .map((id, i) => ({ clientMessageId: id, seq: i + 1 }));
          const shown = undelivered(
            ids.map((id) => pending(id)),
            messages,
            'c1',
          );
          expect(shown.map((p) => p.clientMessageId)).toEqual(ids.filter((_, i) => !confirmed[i]));
        },
      ),
    );
  });
});

describe('newestFromOthers (read marking)', () => {
  it('is the newest message someone else sent; my own replies after it do not count', () => {
    const ms = [message('c1', 1, 'me'), message('c1', 2, 'bob'), message('c1', 3, 'me')];
    expect(newestFromOthers(ms, 'me')).toBe(2);
    expect(newestFromOthers(ms, 'bob')).toBe(3);
    expect(newestFromOthers([message('c1', 1, 'me')], 'me')).toBe(0);
    expect(newestFromOthers([], 'me')).toBe(0);
  });
});

describe('placement (grouping)', () => {
  const at = (m: ReturnType<typeof message>, iso: string) => ({ ...m, createdAt: iso });

  it('groups one sender’s messages within five minutes of the same day', () => {
    const ms = [
      at(message('c1', 1, 'bob'), '2026-01-01T12:00:00Z'),
      at(message('c1', 2, 'bob'), '2026-01-01T12:04:59Z'),
      at(
        message('c1', 3, 'bob'),
        new Date(Date.parse('2026-01-01T12:04:59Z') + GROUP_WINDOW_MS).toISOString(),
      ),
      at(message('c1', 4, 'ann'), '2026-01-01T12:10:00Z'),
      at(message('c1', 5, 'ann'), '2026-01-02T12:10:00Z'),
    ];
    expect(ms.map((_, i) => placement(ms, i))).toEqual([
      { newDay: true, grouped: false, lastOfGroup: false },
      { newDay: false, grouped: true, lastOfGroup: true },
      { newDay: false, grouped: false, lastOfGroup: true },
      { newDay: false, grouped: false, lastOfGroup: true },
      { newDay: true, grouped: false, lastOfGroup: true },
    ]);
  });

  it('a message is last of its group exactly when the next one is not grouped under it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ who: fc.constantFrom('a', 'b'), gap: fc.integer({ min: 0, max: 600_000 }) }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        (steps) => {
          let t = Date.parse('2026-01-01T23:30:00Z');
          const ms = steps.map((s, i) => {
            t += s.gap;
            return at(message('c1', i + 1, s.who), new Date(t).toISOString());
          });
          for (let i = 0; i < ms.length; i++) {
            const next = i + 1 < ms.length ? placement(ms, i + 1).grouped : false;
            expect(placement(ms, i).lastOfGroup).toBe(!next);
          }
        },
      ),
    );
  });
});

function KeyboardList({ count }: { count: number }) {
  const keyboard = useListKeyboard();
  return (
    <div
      role="list"
      ref={keyboard.listRef}
      onKeyDown={keyboard.onKeyDown}
      onFocus={keyboard.onFocus}
    >
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="msg" role="listitem">
          <div className="msg__bubble" data-testid={`b${i}`}>
            m{i}
          </div>
          <button type="button">reply {i}</button>
          <button type="button">react {i}</button>
        </div>
      ))}
    </div>
  );
}

describe('useListKeyboard', () => {
  afterEach(cleanup);
  Element.prototype.scrollIntoView ??= () => undefined;

  it('puts only the newest message in the Tab order', () => {
    const { getByTestId } = render(<KeyboardList count={3} />);
    expect([0, 1, 2].map((i) => getByTestId(`b${i}`).tabIndex)).toEqual([-1, -1, 0]);
  });

  it('moves between messages with arrows, into and among a message’s buttons, and back with Escape', () => {
    const { getByTestId, getByText } = render(<KeyboardList count={3} />);
    const key = (k: string) => fireEvent.keyDown(document.activeElement!, { key: k });
    getByTestId('b2').focus();
    key('ArrowUp');
    expect(document.activeElement).toBe(getByTestId('b1'));
    expect([0, 1, 2].map((i) => getByTestId(`b${i}`).tabIndex)).toEqual([-1, 0, -1]);
    key('ArrowUp');
    key('ArrowUp');
    expect(document.activeElement).toBe(getByTestId('b0'));
    key('End');
    expect(document.activeElement).toBe(getByTestId('b2'));
    key('Enter');
    expect(document.activeElement).toBe(getByText('reply 2'));
    key('ArrowRight');
    expect(document.activeElement).toBe(getByText('react 2'));
    key('ArrowRight');
    expect(document.activeElement).toBe(getByText('reply 2'));
    key('ArrowLeft');
    expect(document.activeElement).toBe(getByText('react 2'));
    key('Escape');
    expect(document.activeElement).toBe(getByTestId('b2'));
    key('Home');
    expect(document.activeElement).toBe(getByTestId('b0'));
  });
});
