import { LoggedEvent } from '../message';
import { MessageId, TenantId, UserId } from '../../shared/ids';
import { Poll, PollResults } from './poll';

/** What a vote or a close did. */
export type PollChange =
  /** Applied, with the MESSAGE_UPDATED entry recorded atomically with it. */
  | { kind: 'CHANGED'; event: LoggedEvent }
  /** Nothing to do (same choices again; already closed). No entry recorded. */
  | { kind: 'UNCHANGED' }
  /** The poll is closed: the vote was refused. */
  | { kind: 'CLOSED' }
  /** No such poll, or its message is deleted. */
  | { kind: 'ABSENT' };

/** Polls (one per poll message) and their ballots. Tenant-scoped. */
export abstract class PollRepository {
  /** Stores the poll of a message; idempotent (an existing poll of the message is kept). */
  abstract create(poll: Poll): Promise<Poll>;
  abstract findByMessageIds(tenantId: TenantId, ids: readonly MessageId[]): Promise<Poll[]>;
  /**
   * Replaces the user's choices (empty: retracts the ballot) on an open poll whose message is
   * live, with a MESSAGE_UPDATED entry of the message's conversation, atomically; the closed
   * check happens in the same write so no vote lands after a close.
   */
  abstract vote(
    tenantId: TenantId,
    messageId: MessageId,
    userId: UserId,
    optionIds: readonly string[],
    at: Date,
  ): Promise<PollChange>;
  /** Closes the poll (closedAt = at) with a MESSAGE_UPDATED entry; UNCHANGED when already closed. */
  abstract close(tenantId: TenantId, messageId: MessageId, at: Date): Promise<PollChange>;
  /**
   * Results of the polls for `viewerId`: counts, totalVoters, myVotes, and for polls that are not
   * anonymous up to `votersPerOption` voters per option.
   */
  abstract results(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
    viewerId: UserId,
    votersPerOption: number,
  ): Promise<PollResults[]>;
}
