// A message's files in one short line, for places that show text only (the chat list).
import { fileTypeLabel } from './format-file';

interface Summarized {
  kind: string;
  name: string;
  type: string;
}

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
      return '🎬 Video';
    case 'AUDIO':
      return /^voice-note-/.test(a!.name) ? '🎤 Voice note' : `🎵 ${a!.name}`;
    default:
      return `📄 ${a!.name || fileTypeLabel(a!.type, a!.name)}`;
  }
}
