// A grid of emoji to pick from (composer and reactions). Arrow keys move, Enter picks, Escape
// closes and hands focus back to whoever opened it.
import { useEffect, useRef } from 'react';

/** Shown with emoji presentation only when followed by U+FE0F. */
const TEXT_DEFAULT = new Set(['❤', '✌', '⚠']);

export const EMOJI: readonly string[] = [
  ...'😀😃😄😁😆😅😂🤣🙂🙃😉😊😇🥰😍🤩😘😋😜🤪🤗🤭🤔🤨😐😑😶🙄😏😬😌😔😪😴😷🤒🤕🥳😎🤓😕😟🙁😮😯😲😳🥺😢😭😱😖😣😞😓😩😫😤😡😠🤯',
  ...'👍👎👌✌🤞🤝🙏👏🙌💪👀👋',
  ...'❤🧡💛💚💙💜🖤🤍💔💯✨🔥🎉🎂🎁☕🍕🍺🍷⚽🏆🚀⭐🌞🌈📌✅❌⚠❓',
].map((e) => (TEXT_DEFAULT.has(e) ? `${e}\uFE0F` : e));

const COLUMNS = 8;

export function EmojiGrid({
  label,
  onPick,
  onClose,
}: {
  label: string;
  onPick: (emoji: string) => void;
  onClose: () => void;
}) {
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => grid.current?.querySelector<HTMLElement>('button')?.focus(), []);
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: COLUMNS,
      ArrowUp: -COLUMNS,
    };
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key in step) {
      e.preventDefault();
      buttons[Math.max(0, Math.min(buttons.length - 1, i + step[e.key]!))]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      buttons[e.key === 'Home' ? 0 : buttons.length - 1]?.focus();
    }
  };
  return (
    <div className="emoji-grid" role="dialog" aria-label={label} ref={grid} onKeyDown={onKeyDown}>
      {EMOJI.map((emoji) => (
        <button
          key={emoji}
          type="button"
          tabIndex={-1}
          className="emoji-grid__item"
          aria-label={emoji}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
