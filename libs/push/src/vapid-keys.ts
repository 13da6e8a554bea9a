import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import webpush from 'web-push';

/** The application server's VAPID key pair (base64url, as browsers and web-push take them). */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export const VAPID_KEYS_FILE = 'vapid-keys.json';

const isKeyPair = (value: unknown): value is VapidKeys => {
  const v = value as Partial<VapidKeys> | null;
  return (
    typeof v?.publicKey === 'string' &&
    typeof v.privateKey === 'string' &&
    Buffer.from(v.publicKey, 'base64url').length === 65 &&
    Buffer.from(v.privateKey, 'base64url').length === 32
  );
};

/**
 * The embedded deployment's keys: read from `DATA_DIR/vapid-keys.json`, generated there (mode
 * 0600) on first start. Keeping them matters: subscriptions are bound to the public key, so new
 * keys would silently orphan every registered device.
 */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const file = join(dataDir, VAPID_KEYS_FILE);
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isKeyPair(parsed)) throw new Error(`${file} does not hold a VAPID key pair`);
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
  }
  const keys = webpush.generateVAPIDKeys();
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(keys, null, 2), { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return loadOrCreateVapidKeys(dataDir);
}

/** Checks configured keys (cluster mode); returns the problem or null. */
export function vapidKeysProblem(keys: VapidKeys): string | null {
  return isKeyPair(keys)
    ? null
    : 'VAPID_PUBLIC_KEY must be a 65-byte and VAPID_PRIVATE_KEY a 32-byte base64url P-256 key';
}
