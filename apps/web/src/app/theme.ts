// Light, dark or follow the system (prefers-color-scheme); the choice is remembered.
import { useCallback, useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'chatter.theme';
const listeners = new Set<() => void>();

function read(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset['theme'];
  } else {
    localStorage.setItem(KEY, choice);
    document.documentElement.dataset['theme'] = choice;
  }
  for (const l of listeners) l();
}

export function useTheme(): [ThemeChoice, (c: ThemeChoice) => void, 'light' | 'dark'] {
  const choice = useSyncExternalStore((cb) => {
    listeners.add(cb);
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    mq?.addEventListener?.('change', cb);
    return () => {
      listeners.delete(cb);
      mq?.removeEventListener?.('change', cb);
    };
  }, read);
  const systemDark =
    typeof window.matchMedia === 'function' &&
    window.matchMedia('(prefers-color-scheme: dark)').matches;
  const effective = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
  const set = useCallback((c: ThemeChoice) => applyTheme(c), []);
  return [choice, set, effective];
}
