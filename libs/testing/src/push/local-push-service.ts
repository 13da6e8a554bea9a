import {
  createECDH,
  createHmac,
  createPublicKey,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A push subscription as a browser would make it, with the private half kept for decryption. */
export interface TestSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  /** The endpoint's id at the service. */
  id: string;
}

/** A push the service accepted, decrypted and checked. */
export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted payload (UTF-8). */
  text: string;
  /** The VAPID JWT's claims and public key (`k`). */
  jwt: { aud: string; exp: number; sub: string };
  vapidPublicKey: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  bodyBytes: number;
  at: Date;
}

/** A push the service refused (as a real one would: 400/401/403). */
export interface RefusedPush {
  subscriptionId: string;
  status: number;
  reason: string;
}

interface SubscriptionState {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  /** Statuses to answer before accepting (e.g. [500, 500] then 201), or a fixed one. */
  script: number[];
  fixed: number | null;
}

const b64u = (b: Buffer): string => b.toString('base64url');
const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha256', key).update(data).digest();

/** Verifies an ES256 JWT against a raw (uncompressed, 65-byte) P-256 public key. */
export function verifyVapidJwt(
  token: string,
  rawPublicKey: Buffer,
): { aud: string; exp: number; sub: string } {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) throw new Error('JWT is not three parts');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'ES256') throw new Error(`JWT alg ${header.alg} is not ES256`);
  if (rawPublicKey.length !== 65 || rawPublicKey[0] !== 4) throw new Error('k is not a P-256 key');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: b64u(rawPublicKey.subarray(1, 33)),
      y: b64u(rawPublicKey.subarray(33, 65)),
    },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new Error('JWT signature does not verify');
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
    aud: string;
    exp: number;
    sub: string;
  };
}

/**
 * Decrypts an aes128gcm Web Push body (RFC 8291 key derivation over RFC 8188 records) with the
 * subscription's private key and auth secret.
 */
export function decryptAes128gcm(
  body: Buffer,
  ecdh: ReturnType<typeof createECDH>,
  authSecret: Buffer,
): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error('keyid is not the sender’s P-256 key');
  const receiverPublic = ecdh.getPublicKey();
  const shared = ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  if (records.length > rs) throw new Error('more than one record');
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const plain = Buffer.concat([
    decipher.update(records.subarray(0, records.length - 16)),
    decipher.final(),
  ]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('last record lacks the 0x02 delimiter');
  return plain.subarray(0, end).toString('utf8');
}

/**
 * A push service for tests: subscriptions are made here (like a browser's PushManager), pushes
 * are checked as a real service would (VAPID JWT signed with the key in `k`, audience = this
 * origin, aes128gcm body that decrypts with the subscription's keys, at most 4,096 bytes) and
 * recorded. Scripted statuses simulate failures (500, 410).
 */
export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  readonly refused: RefusedPush[] = [];
  /** Pushes accepted whose answer never reached the sender (it died or hung up meanwhile). */
  readonly unanswered: ReceivedPush[] = [];
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly waiters: (() => void)[] = [];
  private server: Server | null = null;
  private origin = '';
  /** When set, pushes signed with another key are refused with 403. */
  expectedVapidKey: string | null = null;
  /** How long the service takes to answer an accepted push (a slow push service). */
  responseDelayMs = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** A new subscription (fresh P-256 key pair and auth secret). */
  subscribe(): TestSubscription {
    const id = randomBytes(8).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscriptions.set(id, { ecdh, auth, script: [], fixed: null });
    return {
      id,
      endpoint: `${this.origin}/push/${id}`,
      p256dh: b64u(ecdh.getPublicKey()),
      auth: b64u(auth),
    };
  }

  /** Answers the next pushes to `id` with these statuses, then 201 again. */
  failNext(id: string, ...statuses: number[]): void {
    this.subscriptions.get(id)!.script.push(...statuses);
  }

  /** Answers every push to `id` with `status` (e.g. 410: unsubscribed). */
  answerAlways(id: string, status: number | null): void {
    this.subscriptions.get(id)!.fixed = status;
  }

  /** Pushes received for one subscription, payloads parsed as JSON. */
  payloadsFor<T = Record<string, unknown>>(id: string): T[] {
    return this.received.filter((r) => r.subscriptionId === id).map((r) => JSON.parse(r.text) as T);
  }

  /** Resolves once `predicate` holds (checked after each request), or rejects after `ms`. */
  async waitFor(predicate: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for pushes');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const id = /^\/push\/([0-9a-f]+)$/.exec(req.url ?? '')?.[1] ?? '';
    const state = this.subscriptions.get(id);
    const answer = (status: number, reason = '') => {
      if (status >= 300) this.refused.push({ subscriptionId: id, status, reason });
      res.writeHead(status).end();
      for (const wake of this.waiters.splice(0)) wake();
    };
    if (req.method !== 'POST' || !state) return answer(404, 'no such subscription');
    if (state.fixed !== null) return answer(state.fixed, 'scripted');
    const scripted = state.script.shift();
    if (scripted !== undefined) return answer(scripted, 'scripted');
    try {
      if (body.length > 4096) return answer(413, 'payload too large');
      if (req.headers['content-encoding'] !== 'aes128gcm')
        return answer(400, 'content-encoding is not aes128gcm');
      const ttl = Number(req.headers['ttl']);
      if (!Number.isInteger(ttl) || ttl < 0) return answer(400, 'TTL header missing');
      const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(
        req.headers.authorization ?? '',
      );
      if (!match) return answer(401, 'no VAPID authorization');
      const [, token, k] = match;
      if (this.expectedVapidKey && k !== this.expectedVapidKey)
        return answer(403, 'signed with another key');
      const jwt = verifyVapidJwt(token!, Buffer.from(k!, 'base64url'));
      const now = Date.now() / 1000;
      if (jwt.aud !== this.origin) return answer(403, `aud ${jwt.aud} is not ${this.origin}`);
      if (!(jwt.exp > now && jwt.exp <= now + 24 * 3600 + 60))
        return answer(403, 'exp not within 24 hours');
      if (!/^(mailto:|https:)/.test(jwt.sub ?? '')) return answer(403, 'sub is no contact');
      const text = decryptAes128gcm(body, state.ecdh, state.auth);
      const push: ReceivedPush = {
        subscriptionId: id,
        text,
        jwt,
        vapidPublicKey: k!,
        ttl,
        urgency: (req.headers['urgency'] as string | undefined) ?? null,
        topic: (req.headers['topic'] as string | undefined) ?? null,
        bodyBytes: body.length,
        at: new Date(),
      };
      this.received.push(push);
      if (this.responseDelayMs > 0) await new Promise((r) => setTimeout(r, this.responseDelayMs));
      if (req.socket.destroyed) this.unanswered.push(push);
      return answer(201);
    } catch (error) {
      return answer(400, String(error));
    }
  }
}
