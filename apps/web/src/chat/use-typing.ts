import { useCallback, useSyncExternalStore } from 'react';
import { useChat } from '../app/services';

export function useTypingNames(conversationId: string): string[] {
  const { realtime } = useChat();
  const subscribe = useCallback((cb: () => void) => realtime.typing.subscribe(cb), [realtime]);
  return useSyncExternalStore(subscribe, () => realtime.typing.names(conversationId));
}

export function typingText(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}
