import { createHmac } from 'node:crypto';
import { startTurnServer, TestService } from '@chatter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, ok, removeDataDir } from '../support';
import {
  appUser,
  expectNoUnexpectedErrors,
  startMessagingApi,
} from '../messaging/messaging-helpers';
import { turnAllocate } from './turn-client';

const TURN_SECRET = 'e2e-relay-shared-secret-9876543210';
const TURN_TTL = 120;

interface IceServers {
  turnConfigured: boolean;
  expiresAt: string;
  servers: { urls: string[]; username: string | null; credential: string | null }[];
}

/** TURN REST credentials as the API mints them, for a username of our choosing. */
const mint = (username: string, secret = TURN_SECRET) =>
  createHmac('sha1', secret).update(username).digest('base64');

/**
 * The TURN check against a real relay: coturn run as the README documents it (use-auth-secret
 * with the API's TURN_SECRET) accepts the credentials `iceServers` hands out, and refuses them
 * once expired, tampered with, or minted with another secret.
 */
describe('TURN credentials against a real coturn relay', () => {
  let turn: TestService;
  let api: ApiProcess;
  let host: string;
  let port: number;

  beforeAll(async () => {
    turn = await startTurnServer(TURN_SECRET);
    [host, port] = ((u) => [u.hostname, Number(u.port)] as const)(
      new URL(turn.url.replace(/^turn:/, 'http://')),
    );
    api = await startMessagingApi({
      STUN_URIS: `stun:${host}:${port}`,
      TURN_URIS: `${turn.url}?transport=udp`,
      TURN_SECRET,
      TURN_TTL_SECONDS: String(TURN_TTL),
    });
  });

  afterAll(async () => {
    if (api) {
      expectNoUnexpectedErrors(api);
      await api.stop();
      removeDataDir(api);
    }
    await turn?.stop();
  });

  it('allocates a relay with the minted credentials and refuses expired, tampered or foreign ones', async () => {
    const ada = await appUser(api, 'Ada');
    const { iceServers } = await ok<{ iceServers: IceServers }>(
      api,
      '{ iceServers { turnConfigured expiresAt servers { urls username credential } } }',
      {},
      ada.token,
    );
    expect(iceServers.turnConfigured).toBe(true);
    const relay = iceServers.servers.find((s) => s.urls.some((u) => u.startsWith('turn:')))!;
    expect(relay.urls).toEqual([`turn:${host}:${port}?transport=udp`]);
    const username = relay.username!;
    const password = relay.credential!;

    // What a browser does with them: the relay grants an allocation on its relay address.
    const granted = await turnAllocate(host, port, username, password);
    expect(granted).toMatchObject({ ok: true, relayed: { address: '127.0.0.1' } });

    // The relay refuses a wrong password, the same expiry for another user, a later expiry
    // with the old password, and credentials minted with another secret.
    const [expiry, userId] = username.split(':');
    expect(userId).toBe(ada.id);
    const refused = [
      [username, `${password.slice(0, -4)}AAA=`],
      [`${expiry}:someone-else`, password],
      [`${Number(expiry) + 3600}:${userId}`, password],
      [username, mint(username, 'another-shared-secret-0123')],
    ] as const;
    for (const [u, p] of refused)
      expect(await turnAllocate(host, port, u, p), `${u} / ${p}`).toMatchObject({
        ok: false,
        code: 401,
      });

    // Expiry: the same scheme and secret, with the username's time in the past, is refused,
    // while a fresh one minted by hand the same way is accepted (so the expiry alone decides).
    const now = Math.floor(Date.now() / 1000);
    const expired = `${now - 1}:${userId}`;
    expect(await turnAllocate(host, port, expired, mint(expired))).toMatchObject({
      ok: false,
      code: 401,
    });
    const fresh = `${now + 60}:${userId}`;
    expect(await turnAllocate(host, port, fresh, mint(fresh))).toMatchObject({ ok: true });
    // And the API's credentials stop working TURN_TTL_SECONDS after they were minted.
    expect(Number(expiry)).toBeLessThanOrEqual(now + TURN_TTL);
    expect(Number(expiry)).toBeGreaterThan(now + TURN_TTL - 30);
  });
});
