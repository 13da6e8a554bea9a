import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, dataOf, gql, removeDataDir } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createGroup,
  createTenant,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';
import { createUpload, finalize, PDF, putBytes, storedFiles, upload } from './attachment-helpers';

const GRANT =
  'mutation($t:ID!,$u:ID!,$r:TenantRole){ grantTenantRole(tenantId:$t, userId:$u, role:$r){ role } }';
const UPDATE =
  'mutation($i:TenantSafetySettingsInput!){ updateTenantSafetySettings(input:$i){ allowedAttachmentKinds } }';
const LIMITS = '{ uploadLimits { allowedKinds usedBytes } }';
const AUDIT =
  '{ auditLog(first: 5, filter:{action:SAFETY_SETTINGS_CHANGED}){ edges { node { details { key value } } } } }';
const ALL = ['IMAGE', 'AUDIO', 'VIDEO', 'FILE'];

type Errors = { errors?: { extensions?: { code?: string; reason?: string; kind?: string } }[] };
const refusal = (r: Errors) => {
  const e = r.errors?.[0]?.extensions;
  return e && { code: e.code, reason: e.reason, kind: e.kind };
};

describe('attachments: the tenant decides which kinds of file its members share', () => {
  let api: ApiProcess;
  let tenant: string;
  let owner: User, member: User, outsider: User, group: string, outsiderGroup: string;
  let photo: Buffer;

  const allow = async (kinds: string[]) =>
    dataOf(await gql(api, UPDATE, { i: { allowedAttachmentKinds: kinds } }, owner.token));
  const limits = async (who: User) =>
    dataOf(
      await gql<{ uploadLimits: { allowedKinds: string[]; usedBytes: number } }>(
        api,
        LIMITS,
        {},
        who.token,
      ),
    ).uploadLimits;

  beforeAll(async () => {
    api = await startMessagingApi();
    tenant = `files-${process.pid}`;
    const secret = await createTenant(api, tenant);
    [owner, member] = await Promise.all(
      ['Owner', 'Member'].map((n) => appUser(api, n, tenant, secret)),
    );
    const otherOwner = await appUser(api, 'Other owner');
    outsider = await appUser(api, 'Outsider');
    dataOf(
      await gql(api, GRANT, { t: tenant, u: owner.id, r: 'OWNER' }, undefined, {
        'x-admin-token': ADMIN_TOKEN,
      }),
    );
    group = await createGroup(api, owner, [member], 'Files');
    outsiderGroup = await createGroup(api, otherOwner, [outsider], 'Elsewhere');
    photo = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 80, b: 10 } },
    })
      .jpeg()
      .toBuffer();
  });

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('allows every kind by default and publishes the list in uploadLimits', async () => {
    expect((await limits(member)).allowedKinds).toEqual(ALL);
  });

  it('refuses a kind the tenant turned off when the upload is declared: nothing is created', async () => {
    expect(await allow(['AUDIO', 'IMAGE'])).toEqual({
      updateTenantSafetySettings: { allowedAttachmentKinds: ['IMAGE', 'AUDIO'] },
    });
    expect((await limits(member)).allowedKinds).toEqual(['IMAGE', 'AUDIO']);
    const before = (await limits(member)).usedBytes;
    const pdf = await createUpload(api, member, {
      conversationId: group,
      fileName: 'plan.pdf',
      byteSize: PDF.length,
      contentType: 'application/pdf',
    });
    expect(refusal(pdf)).toEqual({
      code: 'FILE_TYPE_REFUSED',
      reason: 'TENANT_POLICY',
      kind: 'FILE',
    });
    expect(pdf.errors?.[0]?.message).toMatch(/does not allow sharing files/);
    expect((await limits(member)).usedBytes).toBe(before);
    // A photo still goes through.
    const ok = await upload(api, member, group, 'cat.jpg', 'image/jpeg', photo);
    expect(ok.finalized.data?.finalizeUpload).toMatchObject({ kind: 'IMAGE', status: 'READY' });
  });

  it('refuses at finalize what the bytes turn out to be, and deletes it', async () => {
    await allow(['FILE']);
    // Declared as a generic file (allowed), the bytes are a photo (not allowed).
    const { id, finalized, put } = await upload(
      api,
      member,
      group,
      'holiday.bin',
      'application/octet-stream',
      photo,
    );
    expect(put.status).toBe(201);
    expect(refusal(finalized)).toEqual({
      code: 'FILE_TYPE_REFUSED',
      reason: 'TENANT_POLICY',
      kind: 'IMAGE',
    });
    expect(storedFiles(api, id)).toEqual([]);
    expect(refusal(await finalize(api, member, id))?.code).toBe('NOT_FOUND');
  });

  it('a change between upload and finalize applies at finalize', async () => {
    await allow(ALL);
    const created = dataOf(
      await createUpload(api, member, {
        conversationId: group,
        fileName: 'minutes.pdf',
        byteSize: PDF.length,
        contentType: 'application/pdf',
      }),
    ).createUpload;
    expect((await putBytes(api, created.upload, PDF)).status).toBe(201);
    await allow([]);
    expect((await limits(member)).allowedKinds).toEqual([]);
    expect(refusal(await finalize(api, member, created.attachment.id))).toMatchObject({
      code: 'FILE_TYPE_REFUSED',
      reason: 'TENANT_POLICY',
    });
    expect(storedFiles(api, created.attachment.id)).toEqual([]);
  });

  it('other tenants keep their own policy', async () => {
    const elsewhere = await upload(
      api,
      outsider,
      outsiderGroup,
      'plan.pdf',
      'application/pdf',
      PDF,
    );
    expect(elsewhere.finalized.data?.finalizeUpload).toMatchObject({
      kind: 'FILE',
      status: 'READY',
    });
    expect((await limits(outsider)).allowedKinds).toEqual(ALL);
  });

  it('refuses unknown kinds, and audits each change', async () => {
    const bad = await gql(api, UPDATE, { i: { allowedAttachmentKinds: ['EXE'] } }, owner.token);
    expect(bad.errors?.length).toBeGreaterThan(0);
    const { auditLog } = dataOf(
      await gql<{ auditLog: { edges: { node: { details: { key: string; value: string }[] } }[] } }>(
        api,
        AUDIT,
        {},
        owner.token,
      ),
    );
    const kinds = auditLog.edges.map(
      (e) => e.node.details.find((d) => d.key === 'allowedAttachmentKinds')?.value,
    );
    // Newest first: none, all, FILE, IMAGE AUDIO.
    expect(kinds.slice(0, 4)).toEqual(['', 'IMAGE AUDIO VIDEO FILE', 'FILE', 'IMAGE AUDIO']);
  });
});
