// One upload queue per signed-in client, shared by the composer and its tray.
import { useSyncExternalStore } from 'react';
import { useApolloClient, type ApolloClient } from '@apollo/client';
import { CreateUploadDocument, FinalizeUploadDocument } from '@chatter/client';
import { useChat } from '../app/services';
import type { Outbox } from '@chatter/sdk';
import { isNetworkFailure } from '../apollo/errors';
import { UploadQueue, type UploadItem } from './upload-queue';
import { sendFile } from './upload-transport';
import { describeUploadError, isFileRefused } from './describe-upload-error';

const queues = new WeakMap<Outbox, UploadQueue>();

export function createUploadQueue(client: ApolloClient<unknown>, outbox: Outbox): UploadQueue {
  return new UploadQueue({
    async createUpload(input) {
      const { data } = await client.mutate({
        mutation: CreateUploadDocument,
        variables: { input },
      });
      if (!data) throw new Error('No answer to createUpload');
      return { attachmentId: data.createUpload.attachment.id, target: data.createUpload.upload };
    },
    async finalize(id) {
      await client.mutate({ mutation: FinalizeUploadDocument, variables: { id } });
    },
    sendFile,
    isNetworkFailure,
    describe: describeUploadError,
    canRetry: (error) => !isFileRefused(error),
    isOnline: () => navigator.onLine,
    onOnline(listener) {
      window.addEventListener('online', listener);
      return () => window.removeEventListener('online', listener);
    },
    enqueueMessage: (m) => outbox.enqueue(m),
  });
}

export function useUploadQueue(): UploadQueue {
  const client = useApolloClient();
  const { outbox } = useChat();
  let queue = queues.get(outbox);
  if (!queue) {
    queue = createUploadQueue(client, outbox);
    queues.set(outbox, queue);
  }
  return queue;
}

const EMPTY: UploadItem[] = [];

/** The conversation's files in the queue; re-renders on every change (progress included). */
export function useUploads(queue: UploadQueue, conversationId: string): UploadItem[] {
  return useSyncExternalStore(
    (listener) => queue.subscribe(listener),
    () => cached(queue, conversationId),
  );
}

// useSyncExternalStore wants the same array back while nothing changed.
const snapshots = new WeakMap<UploadQueue, Map<string, UploadItem[]>>();
function cached(queue: UploadQueue, conversationId: string): UploadItem[] {
  const next = queue.list(conversationId);
  let byConversation = snapshots.get(queue);
  if (!byConversation) snapshots.set(queue, (byConversation = new Map()));
  const prev = byConversation.get(conversationId) ?? EMPTY;
  if (prev.length === next.length && prev.every((p, i) => p === next[i])) return prev;
  byConversation.set(conversationId, next);
  return next;
}
