import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ApiProcess, gql, GqlResult, ok } from '../support';
import { User, newClientId } from '../messaging/messaging-helpers';

export const ATTACHMENT_FIELDS =
  'id kind status processing name size type width height duration placeholder url thumbnailUrl';

const CREATE = `mutation($i:CreateUploadInput!){ createUpload(input:$i){ attachment { ${ATTACHMENT_FIELDS} } upload { method url fields { name value } expiresAt } } }`;
const FINALIZE = `mutation($id:ID!){ finalizeUpload(id:$id){ ${ATTACHMENT_FIELDS} } }`;
const SEND = `mutation($i:SendMessageInput!){ sendMessage(input:$i){ id body attachments { ${ATTACHMENT_FIELDS} } } }`;

export interface Att {
  id: string;
  kind: string;
  status: string;
  name: string;
  size: number;
  type: string;
  processing: boolean;
  width: number | null;
  height: number | null;
  duration: number | null;
  placeholder: string | null;
  url: string | null;
  thumbnailUrl: string | null;
}

export interface Target {
  method: string;
  url: string;
  fields: { name: string; value: string }[];
  expiresAt: string;
}

export function createUpload(
  api: ApiProcess,
  who: User,
  input: { conversationId: string; fileName: string; byteSize: number; contentType: string },
): Promise<GqlResult<{ createUpload: { attachment: Att; upload: Target } }>> {
  return gql(api, CREATE, { i: input }, who.token);
}

export function finalize(
  api: ApiProcess,
  who: User,
  id: string,
): Promise<GqlResult<{ finalizeUpload: Att }>> {
  return gql(api, FINALIZE, { id }, who.token);
}

export function sendWith(
  api: ApiProcess,
  who: User,
  conversationId: string,
  attachmentIds: string[],
  body = '',
  clientMessageId = newClientId(),
): Promise<GqlResult<{ sendMessage: { id: string; body: string; attachments: Att[] } }>> {
  return gql(api, SEND, { i: { conversationId, clientMessageId, body, attachmentIds } }, who.token);
}

/** Sends the bytes to an upload target (PUT to the API, or a presigned form POST). */
export async function putBytes(
  api: ApiProcess,
  target: Target,
  bytes: Uint8Array,
): Promise<Response> {
  const url = target.url.startsWith('/') ? `${api.url}${target.url}` : target.url;
  const blob = new Blob([Uint8Array.from(bytes)]);
  if (target.method === 'PUT') {
    return fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: blob,
    });
  }
  const form = new FormData();
  for (const f of target.fields) form.append(f.name, f.value);
  form.append('file', blob);
  return fetch(url, { method: 'POST', body: form });
}

/** Asks again (finalizeUpload answers with the attachment as it is) until processing is done. */
export async function untilProcessed(
  api: ApiProcess,
  who: User,
  id: string,
  timeoutMs = 15_000,
): Promise<Att> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const again = await finalize(api, who, id);
    const att = again.data?.finalizeUpload;
    if (att && !att.processing) return att;
    if (Date.now() > end) throw new Error(`still processing: ${JSON.stringify(again)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** createUpload + upload + finalize; returns the finalize result. */
export async function upload(
  api: ApiProcess,
  who: User,
  conversationId: string,
  fileName: string,
  contentType: string,
  bytes: Uint8Array,
  declaredSize = bytes.length,
): Promise<{ id: string; finalized: GqlResult<{ finalizeUpload: Att }>; put: Response }> {
  const created = await ok<{ createUpload: { attachment: Att; upload: Target } }>(
    api,
    CREATE,
    { i: { conversationId, fileName, byteSize: declaredSize, contentType } },
    who.token,
  );
  const put = await putBytes(api, created.createUpload.upload, bytes);
  const finalized = await finalize(api, who, created.createUpload.attachment.id);
  return { id: created.createUpload.attachment.id, finalized, put };
}

export const absolute = (api: ApiProcess, url: string) =>
  url.startsWith('/') ? `${api.url}${url}` : url;

/** Files stored under DATA_DIR/files for one attachment (embedded storage). */
export function storedFiles(api: ApiProcess, attachmentId: string): string[] {
  const root = join(api.dataDir, 'files');
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(dir, e);
      if (e === attachmentId) found.push(...readdirSync(full).map((f) => join(full, f)));
      else if (!e.includes('.')) walk(full);
    }
  };
  walk(root);
  return found;
}

/** A JPEG photo with GPS location in its EXIF and orientation 6 (rotated 90°). */
export async function photoWithLocation(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'ChatterCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** An executable (PE header) to be disguised as something else. */
export const EXE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.alloc(58, 0),
  Buffer.from([0x80, 0, 0, 0]),
  Buffer.alloc(64, 0),
  Buffer.from('PE\0\0'),
  Buffer.alloc(200, 1),
]);
