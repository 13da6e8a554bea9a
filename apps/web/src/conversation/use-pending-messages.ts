// Outbox reconciliation: sends of this conversation still waiting for the server, each shown
// until its confirmed copy (same clientMessageId) is in the loaded history.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { MessageFieldsFragment } from '@chatter/client';
import { useChat } from '../app/services';
import type { PendingMessage } from '@chatter/sdk';

export function undelivered(
  pending: readonly PendingMessage[],
  messages: readonly Pick<MessageFieldsFragment, 'clientMessageId'>[],
  conversationId: string,
): PendingMessage[] {
  const sent = new Set(messages.map((m) => m.clientMessageId).filter(Boolean));
  return pending.filter((p) => p.conversationId === conversationId && !sent.has(p.clientMessageId));
}

export function usePendingMessages(
  conversationId: string,
  messages: readonly MessageFieldsFragment[],
): PendingMessage[] {
  const { outbox } = useChat();
  const all = useSyncExternalStore(
    useCallback((cb: () => void) => outbox.subscribe(cb), [outbox]),
    () => outbox.list(),
  );
  return useMemo(() => undelivered(all, messages, conversationId), [all, messages, conversationId]);
}
