// Everything the composer needs for attachments, so the composer itself changes little.
import type { ReactNode } from 'react';
import { useFileDrop } from './use-file-drop';
import { useUploadQueue, useUploads } from './use-upload-queue';
import { UploadTray } from './upload-tray';
import { AttachControls } from './attach-controls';

export function useComposerAttachments(conversationId: string) {
  const queue = useUploadQueue();
  const items = useUploads(queue, conversationId);
  const drop = useFileDrop(queue, conversationId);
  const hasDrafts = items.some((i) => i.batchId === null);
  return {
    hasDrafts,
    dragging: drop.dragging,
    dropHandlers: drop.handlers,
    tray: (<UploadTray queue={queue} items={items} />) as ReactNode,
    controls: (
      <AttachControls
        queue={queue}
        conversationId={conversationId}
        onVoiceNote={(id) => queue.send(conversationId, { body: '', replyToId: null }, [id])}
      />
    ) as ReactNode,
    /** Sends the draft files with `body` as caption; false when there are none (send text). */
    send: (body: string, replyToId: string | null) =>
      queue.send(conversationId, { body, replyToId }),
  };
}
