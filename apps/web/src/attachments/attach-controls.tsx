// The composer's attach button (a file picker, several files at once) and voice-note recorder.
import { useRef } from 'react';
import type { UploadQueue } from './upload-queue';
import { AttachmentIcon } from './attachment-icons';
import { canRecordVoice, useVoiceRecorder } from './voice-recorder';
import { formatDuration } from './format-file';

export function AttachControls({
  queue,
  conversationId,
  onVoiceNote,
}: {
  queue: UploadQueue;
  conversationId: string;
  /** A finished voice note goes out at once, like in other messengers. */
  onVoiceNote: (itemId: string) => void;
}) {
  const picker = useRef<HTMLInputElement>(null);
  const voice = useVoiceRecorder(({ file, durationMs }) => {
    const [item] = queue.add(conversationId, [file], { durationMs });
    if (item) onVoiceNote(item.id);
  });

  if (voice.recording) {
    return (
      <span className="recorder" role="group" aria-label="Voice note">
        <button
          type="button"
          className="icon-button"
          aria-label="Discard voice note"
          onClick={() => voice.stop(false)}
        >
          <AttachmentIcon name="trash" />
        </button>
        <span className="recorder__dot" aria-hidden />
        <span className="recorder__time" role="timer" aria-live="off">
          Recording {formatDuration(voice.elapsedMs / 1000)}
        </span>
        <button
          type="button"
          className="icon-button recorder__send"
          aria-label="Stop and send voice note"
          onClick={() => voice.stop(true)}
        >
          <AttachmentIcon name="stop" />
        </button>
      </span>
    );
  }

  return (
    <span className="attach-controls">
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        aria-hidden
        tabIndex={-1}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          if (files.length) queue.add(conversationId, files);
          e.target.value = '';
        }}
      />
      <button
        type="button"
        className="icon-button"
        aria-label="Attach files"
        onClick={() => picker.current?.click()}
      >
        <AttachmentIcon name="paperclip" />
      </button>
      {canRecordVoice() && (
        <button
          type="button"
          className="icon-button"
          aria-label="Record voice note"
          onClick={() => void voice.start()}
        >
          <AttachmentIcon name="mic" />
        </button>
      )}
      {voice.error && (
        <span className="attach-error" role="alert">
          {voice.error}
        </span>
      )}
    </span>
  );
}
