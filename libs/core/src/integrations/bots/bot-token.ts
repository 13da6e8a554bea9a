import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isWellFormedId } from '../../shared/ids';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { BOT_TOKEN_PREFIX } from './bot';

/** A bot token names its tenant and bot, then carries 32 random bytes: `chb_<tenant>.<bot>.<secret>`. */
export interface ParsedBotToken {
  tenantId: string;
  botId: string;
  secret: string;
}

export const isBotToken = (token: string): boolean => token.startsWith(BOT_TOKEN_PREFIX);

export function newBotToken(tenantId: string, botId: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return {
    token: `${BOT_TOKEN_PREFIX}${tenantId}.${botId}.${secret}`,
    hash: hashBotSecret(secret),
  };
}

export const hashBotSecret = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex');

/** Null for anything that is not a well-formed bot token (the caller answers UNAUTHENTICATED). */
export function parseBotToken(token: string): ParsedBotToken | null {
  if (!isBotToken(token) || token.length > 200) return null;
  const [tenantId, botId, secret, ...rest] = token.slice(BOT_TOKEN_PREFIX.length).split('.');
  if (rest.length > 0 || !tenantId || !botId || !secret) return null;
  if (!TENANT_ID_PATTERN.test(tenantId) || !isWellFormedId(botId)) return null;
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { tenantId, botId, secret };
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function botSecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashBotSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
