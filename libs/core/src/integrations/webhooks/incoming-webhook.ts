import { TenantId, UserId } from '../../shared/ids';

/** A secret URL that posts into one conversation as its bot. */
export interface IncomingWebhook {
  id: string;
  tenantId: TenantId;
  botId: UserId;
  conversationId: string;
  /** SHA-256 (hex) of the URL's secret part; the secret itself is never stored. */
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}
