import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids';
import { BotGrant, grantCoversConversation } from '../../shared/bot-grant';
import { BOT_OPERATION_SCOPES, requireBotOperation } from './bot-operations';
import { botSecretMatches, newBotToken, parseBotToken } from './bot-token';

const grant = (patch: Partial<BotGrant> = {}): BotGrant => ({
  botId: newId(),
  scopes: ['READ', 'SEND'],
  conversationIds: null,
  ...patch,
});

describe('bot grants', () => {
  it('lets users through and refuses bots operations outside their scopes', () => {
    expect(() => requireBotOperation(null, 'createGroup')).not.toThrow();
    expect(() => requireBotOperation(grant(), 'createGroup')).toThrow(/cannot use/);
    expect(() => requireBotOperation(grant(), 'toString')).toThrow(/cannot use/);
    expect(() => requireBotOperation(grant({ scopes: ['READ'] }), 'sendMessage')).toThrow(
      /no SEND scope/,
    );
    expect(() => requireBotOperation(grant({ scopes: ['READ'] }), 'messages')).not.toThrow();
    expect(() => requireBotOperation(grant({ scopes: ['SEND'] }), 'chatEvents')).toThrow(
      /no READ scope/,
    );
    for (const [op, scope] of Object.entries(BOT_OPERATION_SCOPES))
      expect(() => requireBotOperation(grant({ scopes: [scope] }), op)).not.toThrow();
  });

  it('covers only the listed conversations when it lists some', () => {
    const a = newId();
    expect(grantCoversConversation(undefined, a)).toBe(true);
    expect(grantCoversConversation(grant(), a)).toBe(true);
    expect(grantCoversConversation(grant({ conversationIds: [a] }), a)).toBe(true);
    expect(grantCoversConversation(grant({ conversationIds: [a] }), newId())).toBe(false);
  });
});

describe('bot tokens', () => {
  it('round-trips, and its secret matches only its own hash', () => {
    const botId = newId();
    const { token, hash } = newBotToken('acme', botId);
    const parsed = parseBotToken(token);
    expect(parsed).toMatchObject({ tenantId: 'acme', botId });
    expect(botSecretMatches(parsed!.secret, hash)).toBe(true);
    const other = parseBotToken(newBotToken('acme', botId).token)!;
    expect(botSecretMatches(other.secret, hash)).toBe(false);
  });

  it('parses hostile strings to null without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const parsed = parseBotToken(`chb_${s}`);
        if (parsed)
          expect(`chb_${parsed.tenantId}.${parsed.botId}.${parsed.secret}`).toBe(`chb_${s}`);
      }),
    );
    expect(parseBotToken('chb_acme.not-an-id.x')).toBeNull();
    expect(parseBotToken('Bearer x')).toBeNull();
  });
});
