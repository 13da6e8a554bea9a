import { LookupAddress, LookupOneOptions } from 'node:dns';
import { createServer, get } from 'node:http';
import { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { guardedLookup, REFUSED_TARGET_MESSAGE, ResolveHost } from './guarded-lookup';
import { isPrivateAddress } from './private-address';

const records: Record<string, LookupAddress[]> = {
  'mixed.test': [
    { address: '10.0.0.7', family: 4 },
    { address: '93.184.216.34', family: 4 },
    { address: '2606:2800:220:1::1', family: 6 },
  ],
  'inside.test': [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ],
};
const resolve: ResolveHost = async (hostname) => {
  const found = records[hostname];
  if (!found)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return found;
};
const isPublic = (address: string) => !isPrivateAddress(address);

function lookupOne(hostname: string, options: object, allowed = isPublic) {
  return new Promise<{ error: Error | null; address: unknown; family: number | undefined }>(
    (done) =>
      guardedLookup(allowed, resolve)(
        hostname,
        options as LookupOneOptions,
        (error, address, family) => done({ error, address, family }),
      ),
  );
}

describe('guardedLookup', () => {
  it('connects only to an address the predicate allows, whichever the name lists first', async () => {
    expect(await lookupOne('mixed.test', {})).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('refuses a name whose every address is refused', async () => {
    const { error } = await lookupOne('inside.test', {});
    expect(error?.message).toBe(REFUSED_TARGET_MESSAGE);
  });

  it('keeps the family asked for, and lists every allowed address when asked for all', async () => {
    expect((await lookupOne('mixed.test', { family: 6 })).address).toBe('2606:2800:220:1::1');
    expect((await lookupOne('mixed.test', { family: 'IPv6' })).address).toBe('2606:2800:220:1::1');
    expect((await lookupOne('mixed.test', { all: true })).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
  });

  it('passes a resolution error through unchanged', async () => {
    const { error } = await lookupOne('missing.test', {});
    expect((error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('guards a real request: a loopback server is never reached through a refused name', async () => {
    let reached = 0;
    const server = createServer((_req, res) => {
      reached++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const request = (allowed: (a: string) => boolean) =>
      new Promise<string>((done) => {
        get({ host: 'inside.test', port, lookup: guardedLookup(allowed, resolve) }, (res) => {
          res.resume();
          res.on('end', () => done(`status ${res.statusCode}`));
        }).on('error', (e) => done(e.message));
      });
    expect(await request(isPublic)).toBe(REFUSED_TARGET_MESSAGE);
    expect(reached).toBe(0);
    expect(await request(() => true)).toBe('status 200');
    expect(reached).toBe(1);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
