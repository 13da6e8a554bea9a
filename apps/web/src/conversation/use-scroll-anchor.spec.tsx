// Scroll anchoring over a fake layout (jsdom has none): each message is 100 px high in a
// 500 px viewport.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { MessageFieldsFragment } from '@chatter/client';
import { message } from '../test/fixtures';
import { useScrollAnchor } from './use-scroll-anchor';

const ROW = 100;
const VIEW = 500;
const top = new WeakMap<Element, number>();
const saved = ['scrollHeight', 'clientHeight', 'scrollTop'].map(
  (p) => [p, Object.getOwnPropertyDescriptor(Element.prototype, p)] as const,
);

beforeAll(() => {
  const height = (el: Element) => Number((el as HTMLElement).dataset['rows'] ?? 0) * ROW;
  Object.defineProperties(Element.prototype, {
    scrollHeight: {
      configurable: true,
      get: function (this: Element) {
        return height(this);
      },
    },
    clientHeight: { configurable: true, get: () => VIEW },
    scrollTop: {
      configurable: true,
      get: function (this: Element) {
        return top.get(this) ?? 0;
      },
      set: function (this: Element, v: number) {
        top.set(this, Math.max(0, Math.min(v, height(this) - VIEW)));
      },
    },
  });
});
afterAll(() => {
  for (const [p, d] of saved) if (d) Object.defineProperty(Element.prototype, p, d);
});
afterEach(cleanup);

function Harness(props: {
  messages: MessageFieldsFragment[];
  hasOlder: boolean;
  loadPage: (before: number) => Promise<unknown>;
}) {
  const s = useScrollAnchor({ ...props, myUserId: 'me', pendingCount: 0, typingCount: 0 });
  return (
    <div ref={s.scroller} onScroll={s.onScroll} data-rows={props.messages.length} data-testid="sc">
      <span data-testid="unseen">{s.unseen}</span>
      {s.showJump && <button onClick={s.scrollToBottom}>jump</button>}
    </div>
  );
}

const range = (from: number, to: number, who = 'bob') =>
  Array.from({ length: to - from + 1 }, (_, i) => message('c1', from + i, who));

describe('useScrollAnchor', () => {
  it('starts at the end, keeps the reading position when older history arrives, counts new messages from others while scrolled up, and follows my own', async () => {
    const loadPage = vi.fn(async () => undefined);
    const view = (messages: MessageFieldsFragment[]) => (
      <Harness messages={messages} hasOlder loadPage={loadPage} />
    );
    const { rerender } = render(view(range(11, 20)));
    const sc = screen.getByTestId('sc');
    expect(sc.scrollTop).toBe(10 * ROW - VIEW);

    // Scrolled up near the top: the older page is asked for, "jump to latest" is offered.
    sc.scrollTop = 200;
    await act(async () => void fireEvent.scroll(sc));
    expect(loadPage).toHaveBeenCalledWith(11);
    expect(screen.getByText('jump')).toBeTruthy();

    // Five older messages prepended: the same message stays on screen (200 px below their top).
    rerender(view(range(6, 20)));
    expect(sc.scrollTop).toBe(5 * ROW + 200);

    // A message from someone else while scrolled up: counted, the position kept.
    rerender(view(range(6, 21)));
    expect(sc.scrollTop).toBe(700);
    expect(screen.getByTestId('unseen').textContent).toBe('1');

    // My own message: back to the end.
    rerender(view([...range(6, 21), message('c1', 22, 'me')]));
    expect(sc.scrollTop).toBe(17 * ROW - VIEW);
  });

  it('"jump to latest" goes to the end and clears the count', async () => {
    const { rerender } = render(
      <Harness messages={range(1, 10)} hasOlder={false} loadPage={vi.fn()} />,
    );
    const sc = screen.getByTestId('sc');
    sc.scrollTop = 0;
    await act(async () => void fireEvent.scroll(sc));
    rerender(<Harness messages={range(1, 12)} hasOlder={false} loadPage={vi.fn()} />);
    expect(screen.getByTestId('unseen').textContent).toBe('2');
    fireEvent.click(screen.getByText('jump'));
    expect(sc.scrollTop).toBe(12 * ROW - VIEW);
    expect(screen.getByTestId('unseen').textContent).toBe('0');
    expect(screen.queryByText('jump')).toBeNull();
  });
});
