// A minimal TURN client (RFC 5389 STUN messages, RFC 5766 Allocate over UDP with the long-term
// credential mechanism): enough to ask a real TURN server whether it accepts a username and
// password, the way a browser does before it relays a call.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const ALLOCATE_ERROR = 0x0113;
const REFRESH_REQUEST = 0x0004;
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  LIFETIME: 0x000d,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
} as const;

interface Attribute {
  type: number;
  value: Buffer;
}

interface Response {
  type: number;
  attributes: Map<number, Buffer>;
}

/** What the server said to an Allocate with the given credentials. */
export type AllocateResult =
  | { ok: true; relayed: { address: string; port: number } }
  | { ok: false; code: number; reason: string };

function attribute(type: number, value: Buffer): Attribute {
  return { type, value };
}

function encode(type: number, transactionId: Buffer, attributes: Attribute[]): Buffer {
  const body = Buffer.concat(
    attributes.map(({ type: t, value }) => {
      const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
      padded.writeUInt16BE(t, 0);
      padded.writeUInt16BE(value.length, 2);
      value.copy(padded, 4);
      return padded;
    }),
  );
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  return Buffer.concat([header, body]);
}

/** Appends MESSAGE-INTEGRITY: HMAC-SHA1 with the long-term key over the message up to it. */
function withIntegrity(message: Buffer, key: Buffer): Buffer {
  const lengthWithIntegrity = message.readUInt16BE(2) + 24;
  const signed = Buffer.from(message);
  signed.writeUInt16BE(lengthWithIntegrity, 2);
  const hmac = createHmac('sha1', key).update(signed).digest();
  const tail = Buffer.alloc(24);
  tail.writeUInt16BE(ATTR.MESSAGE_INTEGRITY, 0);
  tail.writeUInt16BE(20, 2);
  hmac.copy(tail, 4);
  return Buffer.concat([signed, tail]);
}

function decode(packet: Buffer, transactionId: Buffer): Response | null {
  if (packet.length < 20 || packet.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  if (!packet.subarray(8, 20).equals(transactionId)) return null;
  const attributes = new Map<number, Buffer>();
  const end = 20 + packet.readUInt16BE(2);
  for (let at = 20; at + 4 <= end;) {
    const type = packet.readUInt16BE(at);
    const length = packet.readUInt16BE(at + 2);
    attributes.set(type, packet.subarray(at + 4, at + 4 + length));
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: packet.readUInt16BE(0), attributes };
}

function xorAddress(value: Buffer): { address: string; port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const raw = value.readUInt32BE(4) ^ MAGIC_COOKIE;
  const address = [24, 16, 8, 0].map((shift) => (raw >>> shift) & 0xff).join('.');
  return { address, port };
}

function errorOf(response: Response): { code: number; reason: string } {
  const value = response.attributes.get(ATTR.ERROR_CODE);
  if (!value) return { code: 0, reason: 'no ERROR-CODE' };
  return { code: (value[2]! & 0x07) * 100 + value[3]!, reason: value.subarray(4).toString() };
}

class Transaction {
  constructor(
    private readonly socket: Socket,
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends until answered (UDP may drop), up to `timeoutMs`. */
  send(message: Buffer, transactionId: Buffer, timeoutMs = 5_000): Promise<Response> {
    return new Promise((resolve, reject) => {
      const onMessage = (packet: Buffer) => {
        const response = decode(packet, transactionId);
        if (!response) return;
        cleanup();
        resolve(response);
      };
      const resend = setInterval(() => this.socket.send(message, this.port, this.host), 250);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no answer from TURN server ${this.host}:${this.port}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(resend);
        clearTimeout(timer);
        this.socket.off('message', onMessage);
      };
      this.socket.on('message', onMessage);
      this.socket.send(message, this.port, this.host);
    });
  }
}

/**
 * Allocates a UDP relay on `host:port` with a username and password (for TURN REST credentials:
 * `<expiry>:<userId>` and its HMAC). The first Allocate learns the realm and nonce from the 401;
 * the second is signed with MD5(username:realm:password). A granted allocation is released.
 */
export async function turnAllocate(
  host: string,
  port: number,
  username: string,
  password: string,
): Promise<AllocateResult> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const link = new Transaction(socket, host, port);
  const udp = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
  try {
    const firstId = randomBytes(12);
    const challenge = await link.send(encode(ALLOCATE_REQUEST, firstId, [udp]), firstId);
    if (challenge.type !== ALLOCATE_ERROR)
      throw new Error('the TURN server allocated without auth');
    const realm = challenge.attributes.get(ATTR.REALM);
    const nonce = challenge.attributes.get(ATTR.NONCE);
    if (!realm || !nonce) return { ok: false, ...errorOf(challenge) };

    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const signedAttributes = [
      udp,
      attribute(ATTR.USERNAME, Buffer.from(username)),
      attribute(ATTR.REALM, realm),
      attribute(ATTR.NONCE, nonce),
    ];
    const id = randomBytes(12);
    const answer = await link.send(
      withIntegrity(encode(ALLOCATE_REQUEST, id, signedAttributes), key),
      id,
    );
    if (answer.type !== ALLOCATE_SUCCESS) return { ok: false, ...errorOf(answer) };
    const relayed = answer.attributes.get(ATTR.XOR_RELAYED_ADDRESS);
    if (!relayed) throw new Error('an allocation without XOR-RELAYED-ADDRESS');

    // Release it (Refresh with LIFETIME 0), so the test leaves nothing behind on the server.
    const releaseId = randomBytes(12);
    const release = encode(REFRESH_REQUEST, releaseId, [
      attribute(ATTR.LIFETIME, Buffer.from([0, 0, 0, 0])),
      ...signedAttributes.slice(1),
    ]);
    await link.send(withIntegrity(release, key), releaseId).catch(() => undefined);
    return { ok: true, relayed: xorAddress(relayed) };
  } finally {
    socket.close();
  }
}

/** Whether a STUN/TURN server answers on `host:port` (a Binding request). */
export async function turnServerAnswers(host: string, port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  try {
    const id = randomBytes(12);
    await new Transaction(socket, host, port).send(encode(0x0001, id, []), id, 500);
    return true;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}
