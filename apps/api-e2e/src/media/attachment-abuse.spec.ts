import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir } from '../support';
import {
  appUser,
  createGroup,
  createTenant,
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
  putBytes,
  sendWith,
  storedFiles,
  upload,
} from './attachment-helpers';

const MAX = 64 * 1024;
const LINK_TTL_SECONDS = 2;

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

/** Every hostile case answers with a stable code, and leaves no attachment and no file behind. */
describe('attachments: hostile input', () => {
  let api: ApiProcess;
  let ada: User;
  let ben: User;
  let eve: User;
  let group: string;

  beforeAll(async () => {
    api = await startMessagingApi({
      UPLOAD_MAX_BYTES: String(MAX),
      FILE_LINK_TTL_SECONDS: String(LINK_TTL_SECONDS),
    });
    [ada, ben, eve] = await Promise.all([
      appUser(api, 'Ada'),
      appUser(api, 'Ben'),
      appUser(api, 'Eve'),
    ]);
    group = await createGroup(api, ada, [ben], 'Hostile');
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const usage = async (who: User) =>
    (await ok(api, '{ uploadLimits { usedBytes } }', {}, who.token)).uploadLimits
      .usedBytes as number;

  const declare = (fileName: string, byteSize: number, contentType: string, who = ada) =>
    createUpload(api, who, { conversationId: group, fileName, byteSize, contentType });

  it('refuses a declared size over UPLOAD_MAX_BYTES (FILE_TOO_LARGE) and zero bytes (BAD_USER_INPUT)', async () => {
    const before = await usage(ada);
    expect(codeOf(await declare('big.bin', MAX + 1, 'application/octet-stream'))).toBe(
      'FILE_TOO_LARGE',
    );
    expect(codeOf(await declare('empty.txt', 0, 'text/plain'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await declare('neg.txt', -5, 'text/plain'))).toBe('BAD_USER_INPUT');
    expect(await usage(ada)).toBe(before);
  });

  it('cuts off a body larger than declared (413 FILE_TOO_LARGE) and stores nothing', async () => {
    const res = await declare('grow.bin', 1000, 'application/octet-stream');
    const { attachment, upload: target } = res.data!.createUpload;
    const put = await putBytes(api, target, Buffer.alloc(5000, 7));
    expect(put.status).toBe(413);
    expect((await put.json()).error.code).toBe('FILE_TOO_LARGE');
    expect(storedFiles(api, attachment.id)).toEqual([]);
    expect(codeOf(await finalize(api, ada, attachment.id))).toBe('BAD_USER_INPUT');
  });

  it('cuts off a streamed body without a length once it passes the declared size', async () => {
    const res = await declare('stream.bin', 1000, 'application/octet-stream');
    const { attachment, upload: target } = res.data!.createUpload;
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(500).fill(1));
        controller.close();
      },
    });
    const outcome = await fetch(absolute(api, target.url), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: chunks,
      duplex: 'half',
    } as RequestInit).then(
      async (r) => ({
        status: r.status,
        code: ((await r.json()) as { error: { code: string } }).error.code,
      }),
      () => ({ status: 0, code: 'connection closed' }),
    );
    // The server answers 413 and closes; a client still sending may see the close first.
    expect([413, 0]).toContain(outcome.status);
    if (outcome.status === 413) expect(outcome.code).toBe('FILE_TOO_LARGE');
    expect(storedFiles(api, attachment.id)).toEqual([]);
  });

  it('refuses an empty upload at finalize and deletes the attachment', async () => {
    const res = await declare('blank.txt', 10, 'text/plain');
    const { attachment, upload: target } = res.data!.createUpload;
    expect((await putBytes(api, target, new Uint8Array(0))).status).toBe(201);
    expect(codeOf(await finalize(api, ada, attachment.id))).toBe('BAD_USER_INPUT');
    expect(storedFiles(api, attachment.id)).toEqual([]);
    expect(codeOf(await finalize(api, ada, attachment.id))).toBe('NOT_FOUND');
  });

  it('refuses an executable renamed .png (FILE_TYPE_REFUSED) and deletes it', async () => {
    const { id, finalized } = await upload(api, ada, group, 'cat.png', 'image/png', EXE);
    expect(codeOf(finalized)).toBe('FILE_TYPE_REFUSED');
    expect(storedFiles(api, id)).toEqual([]);
    expect(codeOf(await sendWith(api, ada, group, [id]))).toBe('NOT_FOUND');
  });

  it('refuses an executable declared as a generic file, and a PDF declared as an image', async () => {
    const exe = await upload(api, ada, group, 'setup.dat', 'application/octet-stream', EXE);
    expect(codeOf(exe.finalized)).toBe('FILE_TYPE_REFUSED');
    const pdf = await upload(api, ada, group, 'photo.jpg', 'image/jpeg', PDF);
    expect(codeOf(pdf.finalized)).toBe('FILE_TYPE_REFUSED');
    expect([...storedFiles(api, exe.id), ...storedFiles(api, pdf.id)]).toEqual([]);
  });

  it('refuses SVG and HTML by declaration, by name and by content', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>';
    const html = '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>';
    expect(codeOf(await declare('x.svg', svg.length, 'image/svg+xml'))).toBe('FILE_TYPE_REFUSED');
    expect(codeOf(await declare('x.txt', svg.length, 'image/svg+xml'))).toBe('FILE_TYPE_REFUSED');
    expect(codeOf(await declare('x.svg', svg.length, 'text/plain'))).toBe('FILE_TYPE_REFUSED');
    expect(codeOf(await declare('page.html', html.length, 'text/html'))).toBe('FILE_TYPE_REFUSED');
    expect(codeOf(await declare('page.htm', html.length, 'text/plain'))).toBe('FILE_TYPE_REFUSED');
    for (const [name, content] of [
      ['notes.txt', svg],
      ['notes2.txt', `\uFEFF  \n${html}`],
      ['data.txt', '<?xml version="1.0"?><svg onload="alert(1)"/>'],
    ] as const) {
      const { id, finalized } = await upload(
        api,
        ada,
        group,
        name,
        'text/plain',
        Buffer.from(content),
      );
      expect(codeOf(finalized), name).toBe('FILE_TYPE_REFUSED');
      expect(storedFiles(api, id)).toEqual([]);
    }
  });

  it.each([
    '../../etc/passwd',
    'dir/file.txt',
    'dir\\file.txt',
    '..',
    ' . ',
    'evil\u0000.txt',
    'line\nbreak.txt',
    'tab\there.txt',
    'bell\u0007.txt',
    'photo\u202Egnp.exe',
    'x'.repeat(256),
    '',
  ])('refuses the file name %j (BAD_USER_INPUT)', async (name) => {
    expect(codeOf(await declare(name, 10, 'text/plain'))).toBe('BAD_USER_INPUT');
  });

  it('keeps any other Unicode name exactly', async () => {
    const name = 'Zoë 🧑‍🚀 報告 — ½ (final) .txt';
    const { finalized } = await upload(api, ada, group, name, 'text/plain', Buffer.from('ok'));
    expect(finalized.data!.finalizeUpload.name).toBe(name);
  });

  it("refuses another user's upload (NOT_FOUND) at finalize and at send", async () => {
    const { id } = await upload(api, ada, group, 'mine.txt', 'text/plain', Buffer.from('mine'));
    expect(codeOf(await finalize(api, ben, id))).toBe('NOT_FOUND');
    expect(codeOf(await sendWith(api, ben, group, [id]))).toBe('NOT_FOUND');
    // Still Ada's to send.
    expect((await sendWith(api, ada, group, [id])).errors).toBeUndefined();
  });

  it("refuses another tenant's upload (NOT_FOUND)", async () => {
    const secret = await createTenant(api, 'other-media');
    const mallory = await appUser(api, 'Mallory', 'other-media', secret);
    const { id } = await upload(api, ada, group, 't.txt', 'text/plain', Buffer.from('tenant'));
    const { openDirectConversation } = await ok(
      api,
      'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
      { u: mallory.id },
      mallory.token,
    ).catch(() => ({ openDirectConversation: null as { id: string } | null }));
    const target = openDirectConversation?.id ?? group;
    expect(codeOf(await sendWith(api, mallory, target, [id]))).toBe('NOT_FOUND');
    expect(codeOf(await finalize(api, mallory, id))).toBe('NOT_FOUND');
  });

  it('refuses reusing an attachment in a second message (ATTACHMENT_ALREADY_USED)', async () => {
    const { id } = await upload(api, ada, group, 'once.txt', 'text/plain', Buffer.from('once'));
    expect((await sendWith(api, ada, group, [id], 'first')).errors).toBeUndefined();
    const second = await sendWith(api, ada, group, [id], 'second');
    expect(codeOf(second)).toBe('ATTACHMENT_ALREADY_USED');
    const twice = await upload(api, ada, group, 'twice.txt', 'text/plain', Buffer.from('x'));
    expect(codeOf(await sendWith(api, ada, group, [twice.id, twice.id]))).toBe('BAD_USER_INPUT');
  });

  it('refuses an upload into, and downloads by, a non-member', async () => {
    expect(
      codeOf(
        await createUpload(api, eve, {
          conversationId: group,
          fileName: 'x.txt',
          byteSize: 3,
          contentType: 'text/plain',
        }),
      ),
    ).toBe('NOT_FOUND');
    const { messages } = (await gql(
      api,
      'query($c:ID!){ messages(conversationId:$c, last: 1){ edges { node { id } } } }',
      { c: group },
      eve.token,
    )) as { messages?: unknown };
    expect(messages).toBeUndefined();
    // A forged or altered link is refused.
    const { id } = await upload(api, ada, group, 'secret.pdf', 'application/pdf', PDF);
    const sent = await sendWith(api, ada, group, [id]);
    const url = sent.data!.sendMessage.attachments[0]!.url!;
    const [prefix, token, name] = url.split('/').slice(-3) as [string, string, string];
    const forged = `/files/${prefix}/${token.slice(0, -2)}xx/${name}`;
    const res = await fetch(absolute(api, forged));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('FORBIDDEN');
  });

  it('a removed member keeps the files of the history they still read, and gets none sent after', async () => {
    const carl = await appUser(api, 'Carl');
    const room = await createGroup(api, ada, [carl], 'Temporary');
    const { id } = await upload(api, ada, room, 'plan.pdf', 'application/pdf', PDF);
    const sent = await sendWith(api, ada, room, [id]);
    const { messages } = await ok(
      api,
      'query($c:ID!){ messages(conversationId:$c, last: 1){ edges { node { attachments { url } } } } }',
      { c: room },
      carl.token,
    );
    const carlsUrl = absolute(api, messages.edges[0].node.attachments[0].url);
    expect((await fetch(carlsUrl)).status).toBe(200);
    await ok(
      api,
      'mutation($c:ID!,$u:ID!){ removeMember(conversationId:$c, userId:$u){ id } }',
      { c: room, u: carl.id },
      ada.token,
    );
    // Read-only history up to the removal (docs/history-visibility.md) includes its files.
    expect((await fetch(carlsUrl)).status).toBe(200);
    const later = await upload(api, ada, room, 'later.pdf', 'application/pdf', PDF);
    const laterSent = await sendWith(api, ada, room, [later.id]);
    const laterMessage = laterSent.data!.sendMessage;
    const { messages: carlsView } = await ok(
      api,
      'query($c:ID!){ messages(conversationId:$c, last: 5){ edges { node { id } } } }',
      { c: room },
      carl.token,
    );
    expect(carlsView.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(
      laterMessage.id,
    );
    expect((await fetch(absolute(api, sent.data!.sendMessage.attachments[0]!.url!))).status).toBe(
      200,
    );
  });

  it('an expired link is refused (TOKEN_EXPIRED)', async () => {
    const { id } = await upload(api, ada, group, 'old.pdf', 'application/pdf', PDF);
    const sent = await sendWith(api, ada, group, [id]);
    const url = absolute(api, sent.data!.sendMessage.attachments[0]!.url!);
    expect((await fetch(url)).status).toBe(200);
    const deadline = Date.now() + (LINK_TTL_SECONDS + 5) * 1000;
    let res = await fetch(url);
    while (res.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      res = await fetch(url);
    }
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('TOKEN_EXPIRED');
  });

  it('rate limits many parallel uploads from one user (RATE_LIMITED) and creates only the accepted ones', async () => {
    const dave = await appUser(api, 'Dave');
    const room = await createGroup(api, dave, [ada], 'Flood');
    const results = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        createUpload(api, dave, {
          conversationId: room,
          fileName: `f${i}.txt`,
          byteSize: 100,
          contentType: 'text/plain',
        }),
      ),
    );
    const accepted = results.filter((r) => !r.errors);
    const limited = results.filter((r) => codeOf(r) === 'RATE_LIMITED');
    expect(accepted.length + limited.length).toBe(45);
    expect(limited.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(30);
    expect(await usage(dave)).toBe(accepted.length * 100);
  });
});
