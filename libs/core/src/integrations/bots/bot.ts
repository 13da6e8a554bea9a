import { BotGrant, BotScope } from '../../shared/bot-grant';
import { TenantId, UserId } from '../../shared/ids';

/** A bot account: a user of the tenant (`User.isBot`) with one revocable, scoped token. */
export interface Bot {
  /** The bot's user id. */
  id: UserId;
  tenantId: TenantId;
  name: string;
  scopes: BotScope[];
  conversationIds: string[] | null;
  /** SHA-256 (hex) of the token's secret part; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Bot tokens start with this, so they are told apart from JWTs without parsing. */
export const BOT_TOKEN_PREFIX = 'chb_';

export const grantOf = (bot: Bot): BotGrant => ({
  botId: bot.id,
  scopes: [...bot.scopes],
  conversationIds: bot.conversationIds ? [...bot.conversationIds] : null,
});
