import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webmVoiceNote } from '@chatter/testing';
import { ApiProcess, Collector, ok, removeDataDir, sleep, wsClient } from '../support';
import {
  appUser,
  createGroup,
  expectNoUnexpectedErrors,
  newClientId,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';
import {
  absolute,
  ATTACHMENT_FIELDS,
  createUpload,
  finalize,
  photoWithLocation,
  PDF,
  putBytes,
  sendWith,
  storedFiles,
  untilProcessed,
  upload,
} from './attachment-helpers';

const MAX = 1024 * 1024;

describe('attachments: upload, finalize, send, serve (embedded disk storage)', () => {
  let api: ApiProcess;
  let ada: User;
  let ben: User;
  let group: string;

  beforeAll(async () => {
    api = await startMessagingApi({ UPLOAD_MAX_BYTES: String(MAX) });
    [ada, ben] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Ben')]);
    group = await createGroup(api, ada, [ben], 'Photos');
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  it('publishes the upload limits', async () => {
    const { uploadLimits } = await ok(
      api,
      '{ uploadLimits { maxBytes userQuotaBytes tenantQuotaBytes usedBytes maxAttachmentsPerMessage } }',
      {},
      ada.token,
    );
    expect(uploadLimits).toMatchObject({
      maxBytes: MAX,
      userQuotaBytes: 1024 * 1024 * 1024,
      tenantQuotaBytes: 0,
      maxAttachmentsPerMessage: 10,
    });
  });

  it('a photo: processed after finalize answers (EXIF location dropped, orientation applied, thumbnail and placeholder), announced to its uploader; the other member sees it live and opens it inline', async () => {
    const photo = await photoWithLocation();
    expect(photo.includes('ChatterCam')).toBe(true);
    const benClient = wsClient(api, ben.token);
    const adaClient = wsClient(api, ada.token);
    const adaEvents = new Collector(
      adaClient,
      `subscription { chatEvents { __typename ... on AttachmentUpdated { conversationId messageId attachment { ${ATTACHMENT_FIELDS} } } } }`,
    );
    const events = new Collector(
      benClient,
      `subscription { chatEvents { __typename ... on MessageAdded { message { id body attachments { ${ATTACHMENT_FIELDS} } } } } }`,
    );
    try {
      await sleep(300);
      const { id, finalized, put } = await upload(
        api,
        ada,
        group,
        'Sunset ☀️ été.jpg',
        'image/jpeg',
        photo,
      );
      expect(put.status).toBe(201);
      expect(finalized.errors).toBeUndefined();
      // finalize answers before the processing: no links yet (never the file with its EXIF).
      expect(finalized.data!.finalizeUpload).toMatchObject({
        id,
        kind: 'IMAGE',
        status: 'READY',
        processing: true,
        width: null,
        url: null,
        thumbnailUrl: null,
      });
      const [updated] = await adaEvents.until(
        (items) => items.some((i) => i.chatEvents.__typename === 'AttachmentUpdated'),
        15_000,
        'AttachmentUpdated to the uploader',
      );
      expect(updated!.chatEvents).toMatchObject({
        conversationId: group,
        messageId: null,
        attachment: { id, processing: false, width: 48, height: 64 },
      });
      const att = await untilProcessed(api, ada, id);
      expect(att).toMatchObject({
        id,
        kind: 'IMAGE',
        status: 'READY',
        processing: false,
        name: 'Sunset ☀️ été.jpg',
        type: 'image/jpeg',
        width: 48,
        height: 64,
      });
      expect(att.placeholder).toMatch(/^data:image\/webp;base64,/);
      expect(att.thumbnailUrl).toMatch(/^\/files\/thumbnail\//);

      const sent = await sendWith(api, ada, group, [id], 'look');
      expect(sent.errors).toBeUndefined();
      expect(sent.data!.sendMessage.attachments.map((a) => a.id)).toEqual([id]);

      const isThePhoto = (i: Record<string, { message?: { id: string } }>) =>
        i.chatEvents.message?.id === sent.data!.sendMessage.id;
      // Other events (Ada's presence, her socket being open) may come first.
      const event = (
        await events.until((items) => items.some(isThePhoto), 10_000, 'MessageAdded with the photo')
      ).find(isThePhoto);
      const seen = event!.chatEvents.message.attachments[0];
      expect(seen).toMatchObject({ id, kind: 'IMAGE', width: 48, height: 64 });

      const full = await fetch(absolute(api, seen.url));
      expect(full.status).toBe(200);
      expect(full.headers.get('content-type')).toBe('image/jpeg');
      expect(full.headers.get('content-disposition')).toMatch(/^inline;/);
      expect(full.headers.get('x-content-type-options')).toBe('nosniff');
      expect(full.headers.get('content-security-policy')).toContain('sandbox');
      const bytes = Buffer.from(await full.arrayBuffer());
      expect(bytes.includes('ChatterCam')).toBe(false);
      const meta = await sharp(bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([48, 64, 1]);

      const thumb = await fetch(absolute(api, seen.thumbnailUrl));
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get('content-type')).toBe('image/webp');
      expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).format).toBe('webp');
    } finally {
      events.stop();
      adaEvents.stop();
      await Promise.all([benClient.dispose(), adaClient.dispose()]);
    }
  });

  it('a photo that does not decode stays usable: it becomes a plain FILE, served as a download', async () => {
    const broken = Buffer.concat([
      Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
      Buffer.alloc(300, 7),
    ]);
    const { id, finalized } = await upload(api, ada, group, 'broken.png', 'image/png', broken);
    expect(finalized.errors).toBeUndefined();
    expect(finalized.data!.finalizeUpload).toMatchObject({ kind: 'IMAGE', processing: true });
    const att = await untilProcessed(api, ada, id);
    expect(att).toMatchObject({ kind: 'FILE', type: 'image/png', thumbnailUrl: null });
    const sent = await sendWith(api, ada, group, [id], 'broken');
    const res = await fetch(absolute(api, sent.data!.sendMessage.attachments[0]!.url!));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await res.arrayBuffer()).equals(broken)).toBe(true);
  });

  it('audio gets its length from its headers after finalize (a 1.5 s WAV)', async () => {
    const rate = 8000;
    const data = Buffer.alloc(rate * 2 * 1.5); // 16-bit mono silence
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + data.length, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(1, 22); // mono
    header.writeUInt32LE(rate, 24);
    header.writeUInt32LE(rate * 2, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    header.writeUInt32LE(data.length, 40);
    const wav = Buffer.concat([header, data]);
    const { id, finalized } = await upload(api, ada, group, 'tone.wav', 'audio/wav', wav);
    expect(finalized.data!.finalizeUpload).toMatchObject({ kind: 'AUDIO', processing: false });
    expect(finalized.data!.finalizeUpload.url).toMatch(/^\/files\/download\//);
    let duration: number | null = null;
    for (let i = 0; i < 100 && duration === null; i++) {
      duration = (await finalize(api, ada, id)).data!.finalizeUpload.duration;
      if (duration === null) await sleep(100);
    }
    expect(duration).toBeCloseTo(1.5, 2);
  });

  it('a recorded voice note (WebM without a Duration header) gets its length from its blocks; the other member reads it', async () => {
    const note = webmVoiceNote(2.4);
    const { id, finalized, put } = await upload(
      api,
      ada,
      group,
      'voice-note-2026-12-06.webm',
      'audio/webm;codecs=opus',
      note,
    );
    expect(put.status).toBe(201);
    expect(finalized.data!.finalizeUpload).toMatchObject({ kind: 'AUDIO', type: 'audio/webm' });
    // Sent at once, as the web app does when recording stops: the length comes before or after.
    const sent = await sendWith(api, ada, group, [id]);
    expect(sent.errors).toBeUndefined();
    let duration: number | null = null;
    for (let i = 0; i < 100 && duration === null; i++) {
      const { messages } = await ok<{
        messages: { edges: { node: { attachments: { id: string; duration: number | null }[] } }[] };
      }>(
        api,
        'query($c:ID!){ messages(conversationId:$c, last: 1){ edges { node { attachments { id duration } } } } }',
        { c: group },
        ben.token,
      );
      const seen = messages.edges[0]!.node.attachments[0]!;
      expect(seen.id).toBe(id);
      duration = seen.duration;
      if (duration === null) await sleep(100);
    }
    expect(duration).toBeCloseTo(2.4, 2);
  });

  it('a PDF is a FILE served as a download (Content-Disposition: attachment) with ranges', async () => {
    const { id, finalized } = await upload(
      api,
      ada,
      group,
      'report "Q3".pdf',
      'application/pdf',
      PDF,
    );
    expect(finalized.data!.finalizeUpload).toMatchObject({
      kind: 'FILE',
      type: 'application/pdf',
      size: PDF.length,
      thumbnailUrl: null,
    });
    const sent = await sendWith(api, ada, group, [id], 'the report');
    const url = absolute(api, sent.data!.sendMessage.attachments[0]!.url!);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="report _Q3_.pdf"; filename*=UTF-8''${encodeURIComponent('report "Q3".pdf')}`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    const part = await fetch(url, { headers: { range: 'bytes=0-3' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-3/${PDF.length}`);
    expect(await part.text()).toBe('%PDF');
    // Ben reads the same message and gets his own link to it.
    const { messages } = await ok(
      api,
      `query($c:ID!){ messages(conversationId:$c, last: 5){ edges { node { id attachments { id url } } } } }`,
      { c: group },
      ben.token,
    );
    const node = messages.edges.find(
      (e: { node: { id: string } }) => e.node.id === sent.data!.sendMessage.id,
    ).node;
    expect(node.attachments[0].id).toBe(id);
    expect(node.attachments[0].url).not.toBe(sent.data!.sendMessage.attachments[0]!.url);
    expect((await fetch(absolute(api, node.attachments[0].url))).status).toBe(200);
  });

  it('several files in one message keep their order; a caption may be empty', async () => {
    const a = await upload(api, ada, group, 'one.txt', 'text/plain', Buffer.from('first file'));
    const b = await upload(api, ada, group, 'two.txt', 'text/plain', Buffer.from('second file'));
    const sent = await sendWith(api, ada, group, [b.id, a.id]);
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendMessage.body).toBe('');
    expect(sent.data!.sendMessage.attachments.map((x) => x.name)).toEqual(['two.txt', 'one.txt']);
    expect(sent.data!.sendMessage.attachments[0]!.type).toBe('text/plain');
  });

  it('a retry of the same send returns the same message with its attachments', async () => {
    const a = await upload(api, ada, group, 'retry.txt', 'text/plain', Buffer.from('retry'));
    const key = newClientId();
    const first = await sendWith(api, ada, group, [a.id], 'once', key);
    const again = await sendWith(api, ada, group, [a.id], 'once', key);
    expect(again.data!.sendMessage.id).toBe(first.data!.sendMessage.id);
    expect(again.data!.sendMessage.attachments.map((x) => x.id)).toEqual([a.id]);
  });

  it('a message without body and without attachments is still refused', async () => {
    const res = await sendWith(api, ada, group, []);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('uploads count against the published usage', async () => {
    const { uploadLimits } = await ok(api, '{ uploadLimits { usedBytes } }', {}, ada.token);
    expect(uploadLimits.usedBytes).toBeGreaterThan(PDF.length);
    const { uploadLimits: bens } = await ok(api, '{ uploadLimits { usedBytes } }', {}, ben.token);
    expect(bens.usedBytes).toBe(0);
  });

  it('createUpload hands out a PUT path on the API that expires', async () => {
    const res = await createUpload(api, ada, {
      conversationId: group,
      fileName: 'x.bin',
      byteSize: 10,
      contentType: 'application/octet-stream',
    });
    const target = res.data!.createUpload.upload;
    expect(target.method).toBe('PUT');
    expect(target.url).toMatch(/^\/files\/upload\//);
    expect(new Date(target.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect((await putBytes(api, target, Buffer.alloc(10, 1))).status).toBe(201);
    // The same target cannot be used twice.
    const again = await putBytes(api, target, Buffer.alloc(10, 2));
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('CONFLICT');
    expect((await finalize(api, ada, res.data!.createUpload.attachment.id)).errors).toBeUndefined();
    expect(storedFiles(api, res.data!.createUpload.attachment.id)).toHaveLength(1);
  });
});
