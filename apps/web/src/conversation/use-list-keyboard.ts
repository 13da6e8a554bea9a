// Keyboard in the message list: the list is one Tab stop (the last focused message, else the
// newest). ArrowUp/ArrowDown (Home/End) move between messages; Enter or ArrowRight goes into a
// message's buttons (quote, actions, reactions), ArrowLeft and ArrowRight move among them and
// Escape comes back to the message.
import { useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent } from 'react';

const BUBBLE = '.msg__bubble';

/** Where a key press moves focus inside the list, or undefined when the key is not ours. */
export function nextFocus(
  list: HTMLElement,
  target: HTMLElement,
  key: string,
): HTMLElement | undefined {
  if (target.closest('[role="menu"]')) return undefined;
  const msg = target.closest<HTMLElement>('.msg');
  if (!msg) return undefined;
  const bubble = msg.querySelector<HTMLElement>(BUBBLE);
  const bubbles = [...list.querySelectorAll<HTMLElement>(BUBBLE)];
  const inner = [...msg.querySelectorAll<HTMLElement>('button:not([role="menuitem"])')];
  const onBubble = target === bubble;
  switch (key) {
    case 'ArrowUp':
    case 'ArrowDown': {
      const i = bubbles.indexOf(bubble!);
      return bubbles[Math.max(0, Math.min(bubbles.length - 1, i + (key === 'ArrowDown' ? 1 : -1)))];
    }
    case 'Home':
    case 'End':
      if (!onBubble) return undefined;
      return key === 'Home' ? bubbles[0] : bubbles[bubbles.length - 1];
    case 'Enter':
      return onBubble ? inner[0] : undefined;
    case 'ArrowRight':
    case 'ArrowLeft': {
      if (onBubble) return key === 'ArrowLeft' ? undefined : inner[0];
      const i = inner.indexOf(target);
      return inner[(i + (key === 'ArrowRight' ? 1 : -1) + inner.length) % inner.length];
    }
    case 'Escape':
      return onBubble ? undefined : (bubble ?? undefined);
    default:
      return undefined;
  }
}

export function useListKeyboard() {
  const listRef = useRef<HTMLDivElement>(null);
  const activeBubble = useRef<HTMLElement | null>(null);

  // After every render: exactly one message is in the Tab order.
  useLayoutEffect(() => {
    const bubbles = [...(listRef.current?.querySelectorAll<HTMLElement>(BUBBLE) ?? [])];
    if (!bubbles.length) return;
    const active =
      activeBubble.current && bubbles.includes(activeBubble.current)
        ? activeBubble.current
        : bubbles[bubbles.length - 1]!;
    for (const b of bubbles) b.tabIndex = b === active ? 0 : -1;
  });

  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const bubble = (e.target as HTMLElement).closest<HTMLElement>(BUBBLE);
    if (!bubble || bubble === activeBubble.current) return;
    if (activeBubble.current) activeBubble.current.tabIndex = -1;
    bubble.tabIndex = 0;
    activeBubble.current = bubble;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = nextFocus(e.currentTarget, e.target as HTMLElement, e.key);
    if (!next) return;
    e.preventDefault();
    next.focus();
    if (next.classList.contains('msg__bubble')) next.scrollIntoView({ block: 'nearest' });
  };

  return { listRef, onFocus, onKeyDown };
}
