import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, ok, removeDataDir } from '../support';
import { appUser, createGroup, startMessagingApi, User } from '../messaging/messaging-helpers';
import { createUpload, sendWith, storedFiles, upload } from './attachment-helpers';

const MIB = 1024 * 1024;
const LIMITS = '{ uploadLimits { userQuotaBytes tenantQuotaBytes usedBytes } }';

type Errors = { errors?: { extensions?: { code?: string; quotaBytes?: number } }[] };
const codeOf = (r: Errors) => r.errors?.[0]?.extensions?.code;

describe('attachments: per-user and per-tenant quotas', () => {
  let api: ApiProcess;
  let ada: User, ben: User, cyd: User, group: string;

  const limits = (who: User) =>
    ok<{ uploadLimits: { userQuotaBytes: number; tenantQuotaBytes: number; usedBytes: number } }>(
      api,
      LIMITS,
      {},
      who.token,
    ).then((d) => d.uploadLimits);

  beforeAll(async () => {
    api = await startMessagingApi({ UPLOAD_USER_QUOTA_MIB: '1', UPLOAD_TENANT_QUOTA_MIB: '2' });
    [ada, ben, cyd] = await Promise.all(['Ada', 'Ben', 'Cyd'].map((n) => appUser(api, n)));
    group = await createGroup(api, ada, [ben, cyd], 'Quota');
  });

  afterAll(async () => {
    await api?.stop();
    if (api) removeDataDir(api);
  });

  it('publishes both quotas and counts a pending upload at its declared size', async () => {
    expect(await limits(ada)).toEqual({
      userQuotaBytes: MIB,
      tenantQuotaBytes: 2 * MIB,
      usedBytes: 0,
    });
    const first = await upload(api, ada, group, 'a.txt', 'text/plain', Buffer.alloc(600_000, 97));
    expect(first.finalized.errors).toBeUndefined();
    expect((await limits(ada)).usedBytes).toBe(600_000);
    // Declared 500 kB more: past the user's 1 MiB, refused before anything is stored.
    const refused = await createUpload(api, ada, {
      conversationId: group,
      fileName: 'b.txt',
      byteSize: 500_000,
      contentType: 'text/plain',
    });
    expect(codeOf(refused)).toBe('QUOTA_EXCEEDED');
    expect(refused.errors?.[0]?.extensions?.quotaBytes).toBe(MIB);
    expect((await limits(ada)).usedBytes).toBe(600_000);
    // What still fits goes through, and is sent.
    const small = await upload(api, ada, group, 'c.txt', 'text/plain', Buffer.alloc(400_000, 98));
    expect(small.finalized.errors).toBeUndefined();
    expect((await sendWith(api, ada, group, [first.id, small.id])).errors).toBeUndefined();
  });

  it("the tenant's quota holds across its users", async () => {
    const bens = await upload(api, ben, group, 'd.txt', 'text/plain', Buffer.alloc(900_000, 99));
    expect(bens.finalized.errors).toBeUndefined();
    // Ada 1,000,000 + Ben 900,000 of 2 MiB (2,097,152): Cyd's 200 kB no longer fits.
    const refused = await createUpload(api, cyd, {
      conversationId: group,
      fileName: 'e.txt',
      byteSize: 200_000,
      contentType: 'text/plain',
    });
    expect(codeOf(refused)).toBe('QUOTA_EXCEEDED');
    expect(refused.errors?.[0]?.extensions?.quotaBytes).toBe(2 * MIB);
    expect((await limits(cyd)).usedBytes).toBe(0);
    const fits = await upload(api, cyd, group, 'f.txt', 'text/plain', Buffer.alloc(190_000, 100));
    expect(fits.finalized.errors).toBeUndefined();
    expect(storedFiles(api, fits.id).length).toBe(1);
    expect((await limits(cyd)).usedBytes).toBe(190_000);
  });
});
