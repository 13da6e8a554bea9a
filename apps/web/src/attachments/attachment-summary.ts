// A message's files in one short line, for places that show text only (the chat list).
import { fileTypeLabel, formatDuration } from './format-file';

interface Summarized {
  kind: string;
  name: string;
  type: string;
  /** Seconds, when the server measured it (audio and video). */
  duration?: number | null;
}

/** " (0:07)" after a voice note or video whose length is known. */
const length = (a: Summarized) => {
  const d = formatDuration(a.duration);
  return d ? ` (${d})` : '';
};

export function attachmentSummary(attachments: readonly Summarized[] | null | undefined): string {
  if (!attachments?.length) return '';
  if (attachments.length > 1) {
    const photos = attachments.every((a) => a.kind === 'IMAGE');
    return photos ? `📷 ${attachments.length} photos` : `📎 ${attachments.length} files`;
  }
  const [a] = attachments;
  switch (a!.kind) {
    case 'IMAGE':
      return '📷 Photo';
    case 'VIDEO':
      return `🎬 Video${length(a!)}`;
    case 'AUDIO':
      return /^voice-note-/.test(a!.name) ? `🎤 Voice note${length(a!)}` : `🎵 ${a!.name}`;
    default:
      return `📄 ${a!.name || fileTypeLabel(a!.type, a!.name)}`;
  }
}
