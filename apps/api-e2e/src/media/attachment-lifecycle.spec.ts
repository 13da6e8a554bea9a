import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, ok, removeDataDir } from '../support';
import {
  appUser,
  createGroup,
  expectNoUnexpectedErrors,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';
import {
  absolute,
  finalize,
  PDF,
  photoWithLocation,
  sendWith,
  storedFiles,
  untilProcessed,
  upload,
} from './attachment-helpers';

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

/** Polls until `check` holds (a sweep runs every second here). */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('attachments: lifecycle', () => {
  let api: ApiProcess;
  let ada: User;
  let ben: User;
  let group: string;

  beforeAll(async () => {
    api = await startMessagingApi({
      ATTACHMENT_DELETE_GRACE_SECONDS: '1',
      ATTACHMENT_SWEEP_INTERVAL_SECONDS: '1',
      UPLOAD_UNSENT_TTL_SECONDS: '3',
    });
    [ada, ben] = await Promise.all([appUser(api, 'Ada'), appUser(api, 'Ben')]);
    group = await createGroup(api, ada, [ben], 'Lifecycle');
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  it('deleting a message ends access at once and deletes its files after the grace period', async () => {
    const photo = await upload(
      api,
      ada,
      group,
      'gone.jpg',
      'image/jpeg',
      await photoWithLocation(),
    );
    await untilProcessed(api, ada, photo.id);
    const sent = await sendWith(api, ada, group, [photo.id], 'soon gone');
    const url = absolute(api, sent.data!.sendMessage.attachments[0]!.url!);
    expect((await fetch(url)).status).toBe(200);
    expect(storedFiles(api, photo.id).length).toBe(2); // original and thumbnail
    await ok(
      api,
      'mutation($id:ID!){ deleteMessage(id:$id){ id } }',
      { id: sent.data!.sendMessage.id },
      ada.token,
    );
    expect((await fetch(url)).status).toBe(404);
    const { messages } = await ok(
      api,
      'query($c:ID!){ messages(conversationId:$c, last: 1){ edges { node { deletedAt attachments { id } } } } }',
      { c: group },
      ben.token,
    );
    expect(messages.edges[0].node.attachments).toEqual([]);
    await eventually(() => storedFiles(api, photo.id).length === 0, 'the files to be deleted');
    const { uploadLimits } = await ok(api, '{ uploadLimits { usedBytes } }', {}, ada.token);
    expect(uploadLimits.usedBytes).toBe(0);
  });

  it('an upload never sent expires with its file; a sent one stays', async () => {
    const unsent = await upload(api, ada, group, 'draft.pdf', 'application/pdf', PDF);
    const kept = await upload(api, ada, group, 'kept.pdf', 'application/pdf', PDF);
    expect((await sendWith(api, ada, group, [kept.id])).errors).toBeUndefined();
    expect(storedFiles(api, unsent.id).length).toBe(1);
    await eventually(() => storedFiles(api, unsent.id).length === 0, 'the unsent upload to expire');
    expect(codeOf(await sendWith(api, ada, group, [unsent.id]))).toBe('NOT_FOUND');
    expect(codeOf(await finalize(api, ada, unsent.id))).toBe('NOT_FOUND');
    // Well past the unsent TTL, the sent file is still there.
    await new Promise((r) => setTimeout(r, 1500));
    expect(storedFiles(api, kept.id).length).toBe(1);
  });
});
