import { ConversationId, TenantId, UserId } from '../../shared/ids';

/**
 * PENDING waits for `sendAt`; SENDING is claimed by one instance until `claimedUntil` (a claim
 * whose lease ran out is claimed again: the send is idempotent on `clientMessageId`); FAILED could
 * not be sent (`failure` says why) and stays listed until its sender cancels it. A sent message
 * leaves the list.
 */
export type ScheduledMessageState = 'PENDING' | 'SENDING' | 'FAILED';

export interface ScheduledMessage {
  id: string;
  tenantId: TenantId;
  conversationId: ConversationId;
  senderId: UserId;
  /** The clientMessageId of the message it becomes (the idempotency key of the send). */
  clientMessageId: string;
  body: string;
  sendAt: Date;
  state: ScheduledMessageState;
  /** Why a FAILED message was not sent: a domain error code (NOT_A_MEMBER, BLOCKED, …). */
  failure: string | null;
  claimedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
