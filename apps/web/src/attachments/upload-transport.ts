// Sends a file's bytes to the upload target createUpload handed out, with progress and abort.
// XMLHttpRequest, not fetch: only XHR reports upload progress in every browser.

export interface UploadTargetLike {
  method: string;
  url: string;
  fields: readonly { name: string; value: string }[];
}

export type TransportFailure =
  /** No answer: offline, connection dropped, server unreachable. Worth trying again. */
  | { kind: 'network' }
  | { kind: 'aborted' }
  /** The server or storage answered with an error: `code` is the stable domain code if any. */
  | { kind: 'refused'; status: number; code: string | null; message: string };

export class UploadTransportError extends Error {
  constructor(readonly failure: TransportFailure) {
    super(
      failure.kind === 'refused'
        ? failure.message
        : failure.kind === 'network'
          ? 'The network dropped the upload'
          : 'Upload cancelled',
    );
  }
}

export interface RunningUpload {
  done: Promise<void>;
  abort: () => void;
}

/**
 * Uploads `file` to `target`: a PUT of the raw bytes to the API (embedded storage), or a form
 * POST with the presigned fields first and the file last (S3-compatible storage).
 */
export function sendFile(
  file: Blob,
  target: UploadTargetLike,
  onProgress: (sent: number, total: number) => void,
): RunningUpload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.open(target.method === 'POST' ? 'POST' : 'PUT', target.url);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else reject(new UploadTransportError(refusal(xhr)));
    };
    xhr.onerror = () => reject(new UploadTransportError({ kind: 'network' }));
    xhr.ontimeout = () => reject(new UploadTransportError({ kind: 'network' }));
    xhr.onabort = () => reject(new UploadTransportError({ kind: 'aborted' }));
    if (target.method === 'POST') {
      const form = new FormData();
      for (const { name, value } of target.fields) form.append(name, value);
      form.append('file', file);
      xhr.send(form);
    } else {
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.send(file);
    }
  });
  return { done, abort: () => xhr.abort() };
}

function refusal(xhr: XMLHttpRequest): TransportFailure {
  let code: string | null = null;
  let message = `The upload was refused (${xhr.status})`;
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? null;
    if (body.error?.message) message = body.error.message;
  } catch {
    // S3 answers in XML: keep the status line.
  }
  return { kind: 'refused', status: xhr.status, code, message };
}
