import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3, TestS3 } from '@chatter/testing';
import { ApiProcess, removeDataDir } from '../support';
import {
  appUser,
  createGroup,
  expectNoUnexpectedErrors,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';
import {
  absolute,
  createUpload,
  EXE,
  finalize,
  PDF,
  photoWithLocation,
  putBytes,
  sendWith,
  untilProcessed,
  upload,
} from './attachment-helpers';

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

/** The same flow with files in an S3-compatible bucket: clients post straight to the bucket. */
describe('attachments on S3-compatible storage', () => {
  let s3: TestS3;
  let api: ApiProcess;
  let ada: User;
  let ben: User;
  let group: string;

  beforeAll(async () => {
    s3 = await startTestS3('chatter-e2e');
    api = await startMessagingApi({
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    [ada, ben] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Ben')]);
    group = await createGroup(api, ada, [ben], 'S3');
  });

  afterAll(async () => {
    if (api) {
      expectNoUnexpectedErrors(api);
      await api.stop();
      removeDataDir(api);
    }
    await s3?.stop();
  });

  it('hands out a presigned POST whose policy pins the key and caps the size', async () => {
    const res = await createUpload(api, ada, {
      conversationId: group,
      fileName: 'doc.pdf',
      byteSize: PDF.length,
      contentType: 'application/pdf',
    });
    const target = res.data!.createUpload.upload;
    expect(target.method).toBe('POST');
    expect(target.url.startsWith(s3.endpoint)).toBe(true);
    const fields = Object.fromEntries(target.fields.map((f) => [f.name, f.value]));
    const policy = JSON.parse(Buffer.from(fields['Policy']!, 'base64').toString('utf8'));
    expect(policy.conditions).toContainEqual(['content-length-range', 1, PDF.length]);
    expect(policy.conditions).toContainEqual(['eq', '$key', fields['key']]);
  });

  it('uploads a photo and a PDF to the bucket, finalizes, sends and serves them to members', async () => {
    const photo = await upload(api, ada, group, 'p.jpg', 'image/jpeg', await photoWithLocation());
    expect(photo.put.status).toBeLessThan(300);
    expect(photo.finalized.data!.finalizeUpload).toMatchObject({ kind: 'IMAGE', processing: true });
    expect(await untilProcessed(api, ada, photo.id)).toMatchObject({
      kind: 'IMAGE',
      width: 48,
      height: 64,
    });
    const pdf = await upload(api, ada, group, 'doc.pdf', 'application/pdf', PDF);
    const sent = await sendWith(api, ada, group, [photo.id, pdf.id], 'both');
    expect(sent.errors).toBeUndefined();
    const [image, file] = sent.data!.sendMessage.attachments;
    const full = await fetch(absolute(api, image!.url!));
    expect(full.status).toBe(200);
    expect(Buffer.from(await full.arrayBuffer()).includes('ChatterCam')).toBe(false);
    expect((await fetch(absolute(api, image!.thumbnailUrl!))).status).toBe(200);
    const doc = await fetch(absolute(api, file!.url!));
    expect(doc.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await doc.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('checks the stored size and type at finalize: more than declared, or an executable, is deleted', async () => {
    const res = await createUpload(api, ada, {
      conversationId: group,
      fileName: 'small.txt',
      byteSize: 10,
      contentType: 'text/plain',
    });
    const { attachment, upload: target } = res.data!.createUpload;
    // A storage that enforces the policy refuses the post; one that does not still gets caught.
    const put = await putBytes(api, target, Buffer.alloc(5000, 65));
    if (put.status < 300) {
      expect(codeOf(await finalize(api, ada, attachment.id))).toBe('FILE_TOO_LARGE');
    }
    expect(codeOf(await finalize(api, ada, attachment.id))).toMatch(/NOT_FOUND|BAD_USER_INPUT/);
    const exe = await upload(api, ada, group, 'cat.png', 'image/png', EXE);
    expect(codeOf(exe.finalized)).toBe('FILE_TYPE_REFUSED');
  });
});
