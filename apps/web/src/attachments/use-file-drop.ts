// Files dropped on the writing area or pasted into it (a screenshot from the clipboard) join
// the draft's attachments.
import { useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import type { UploadQueue } from './upload-queue';

const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');

export function useFileDrop(queue: UploadQueue, conversationId: string) {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child: count them to know when the pointer truly left.
  const depth = useRef(0);

  return {
    dragging,
    handlers: {
      onDragEnter(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setDragging(true);
      },
      onDragOver(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave(e: DragEvent) {
        if (!hasFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      },
      onDrop(e: DragEvent) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setDragging(false);
        const files = [...e.dataTransfer.files];
        if (files.length) queue.add(conversationId, files);
      },
      onPaste(e: ClipboardEvent) {
        const files = [...e.clipboardData.files];
        if (files.length === 0) return;
        // A pasted image (or file) is attached; pasted text still goes into the box.
        e.preventDefault();
        queue.add(
          conversationId,
          files.map((f) =>
            f.name && f.name !== 'image.png'
              ? f
              : new File(
                  [f],
                  `pasted-${new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-')}.${(f.type.split('/')[1] ?? 'png').replace('jpeg', 'jpg')}`,
                  { type: f.type },
                ),
          ),
        );
      },
    },
  };
}
