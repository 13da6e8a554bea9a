// Why a file could not be attached, in words a person understands (the refusals only uploads
// have; everything else as any other request says it).
import { describeError, errorCode, errorReason } from '../apollo/errors';
import { UploadTransportError } from './upload-transport';

const BY_CODE: Record<string, string> = {
  FILE_TOO_LARGE: 'This file is too large to send.',
  FILE_TYPE_REFUSED: 'This type of file cannot be sent.',
  QUOTA_EXCEEDED: 'The storage for your files is full.',
};

/** The file itself is refused (too large, a refused type): sending it again cannot help. */
export function isFileRefused(error: unknown): boolean {
  const code =
    error instanceof UploadTransportError
      ? error.failure.kind === 'refused'
        ? error.failure.code
        : null
      : errorCode(error);
  return code === 'FILE_TOO_LARGE' || code === 'FILE_TYPE_REFUSED';
}

export function describeUploadError(error: unknown): string {
  if (error instanceof UploadTransportError) {
    const code = error.failure.kind === 'refused' ? error.failure.code : null;
    return (code && BY_CODE[code]) || error.message;
  }
  const code = errorCode(error) ?? '';
  if (code === 'FILE_TYPE_REFUSED' && errorReason(error) === 'TENANT_POLICY')
    return 'Your organisation does not allow sharing this kind of file.';
  return BY_CODE[code] ?? describeError(error);
}
