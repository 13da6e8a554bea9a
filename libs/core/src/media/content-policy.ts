import { DomainError, invalid } from '../shared/domain-error';
import { AttachmentKind } from './attachment';
import { SniffedType } from './content-sniffer.port';
import { extensionOf } from './file-name';

/** Types served inline (rendered by the browser): raster images, audio and video only. */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'audio/mp4',
  'audio/aac',
  'audio/flac',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
]);

/** Executables and markup a browser or OS would run: refused whatever they are called. */
const REFUSED_TYPES: ReadonlySet<string> = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
  'application/ecmascript',
  'application/x-msdownload',
  'application/x-dosexec',
  'application/x-msi',
  'application/x-ms-installer',
  'application/x-elf',
  'application/x-executable',
  'application/x-sharedlib',
  'application/x-mach-binary',
  'application/vnd.microsoft.portable-executable',
  'application/vnd.android.package-archive',
  'application/vnd.android.dex',
  'application/java-vm',
  'application/java-archive',
  'application/wasm',
  'application/hta',
]);

const REFUSED_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'html htm xhtml shtml xht mht mhtml hta svg svgz xml js mjs ' +
    'exe dll com scr msi msp bat cmd ps1 vbs vbe jse wsf cpl pif apk dex jar class wasm elf'
  ).split(' '),
);

/** Leading markup that a browser would treat as a document: HTML, SVG, XML (after BOM and blanks). */
const MARKUP_START =
  /^(?:\uFEFF)?\s*<(?:!doctype\s+html|html|svg|script|\?xml|head|body|iframe)\b/i;

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

const refused = (reason: string) =>
  new DomainError('FILE_TYPE_REFUSED', `this type of file cannot be shared: ${reason}`, {
    reason,
  });

/** Checks what a client declares before it uploads; returns the normalised type. */
export function checkDeclaredType(fileName: string, contentType: unknown): string {
  if (typeof contentType !== 'string') throw invalid('contentType', 'contentType must be a string');
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (!MIME.test(type))
    throw invalid('contentType', 'contentType must be a media type like image/png');
  if (REFUSED_TYPES.has(type)) throw refused(type);
  const ext = extensionOf(fileName);
  if (REFUSED_EXTENSIONS.has(ext)) throw refused(`.${ext}`);
  return type;
}

const family = (type: string): 'image' | 'av' | 'other' => {
  const top = type.split('/')[0];
  return top === 'image' ? 'image' : top === 'audio' || top === 'video' ? 'av' : 'other';
};

/**
 * Decides what a finalized upload is, from its first bytes: refuses executables and markup
 * whatever they were declared as, refuses media whose bytes contradict the declared type, and
 * returns the type it will be served as (never the client's word for a binary format).
 */
export function decideContentType(
  declaredType: string,
  sniffed: SniffedType | null,
  head: Buffer,
): { contentType: string; kind: AttachmentKind } {
  if (sniffed) {
    if (REFUSED_TYPES.has(sniffed.mime) || REFUSED_EXTENSIONS.has(sniffed.ext)) {
      throw refused(sniffed.mime);
    }
    const declaredFamily = family(declaredType);
    if (declaredFamily !== 'other' && declaredFamily !== family(sniffed.mime)) {
      throw refused(`declared ${declaredType} but the file is ${sniffed.mime}`);
    }
    // A recorded voice note is an audio-only WebM/Ogg/MP4 container: keep the audio type.
    let contentType = sniffed.mime;
    const [top, sub] = sniffed.mime.split('/');
    if (top === 'video' && declaredType === `audio/${sub}`) contentType = declaredType;
    return { contentType, kind: kindOf(contentType) };
  }
  if (MARKUP_START.test(head.toString('utf8'))) throw refused('markup (HTML, SVG or XML)');
  if (family(declaredType) !== 'other') {
    throw refused(`declared ${declaredType} but the bytes are not in that format`);
  }
  const textual =
    (declaredType.startsWith('text/') || declaredType === 'application/json') && isUtf8Text(head);
  return { contentType: textual ? declaredType : 'application/octet-stream', kind: 'FILE' };
}

/** IMAGE, AUDIO and VIDEO only for types shown inline; everything else is a FILE. */
export function kindOf(contentType: string): AttachmentKind {
  if (!INLINE_TYPES.has(contentType)) return 'FILE';
  switch (contentType.split('/')[0]) {
    case 'image':
      return 'IMAGE';
    case 'audio':
      return 'AUDIO';
    default:
      return 'VIDEO';
  }
}

/** Whether a stored type may be rendered by the browser (else it is served as a download). */
export const isInlineType = (contentType: string | null): boolean =>
  contentType !== null && INLINE_TYPES.has(contentType);

function isUtf8Text(head: Buffer): boolean {
  if (head.includes(0)) return false;
  // The head may end inside a multi-byte sequence: drop up to 3 trailing bytes before checking.
  for (let cut = 0; cut <= Math.min(3, head.length); cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try a shorter head
    }
  }
  return false;
}
