import { ConversationId, MessageId, TenantId, UserId } from '../../shared/ids';

export const POLL_QUESTION_MAX = 300;
export const POLL_OPTION_MAX = 100;
export const POLL_MIN_OPTIONS = 2;
export const POLL_MAX_OPTIONS = 12;
/** Voters listed per option (non-anonymous polls); `voteCount` always counts them all. */
export const POLL_VOTERS_PAGE = 20;

export interface PollOption {
  /** Stable within its poll: the option's position when the poll was created ("0".."11"). */
  id: string;
  text: string;
}

/** A poll attached to the message that asks it (the message body is the question). */
export interface Poll {
  tenantId: TenantId;
  messageId: MessageId;
  conversationId: ConversationId;
  creatorId: UserId;
  question: string;
  options: PollOption[];
  multipleChoice: boolean;
  /** Anonymous polls never reveal who voted for what, to anyone (the creator included). */
  anonymous: boolean;
  createdAt: Date;
  closedAt: Date | null;
}

/** The results of one poll as one viewer sees them. */
export interface PollResults {
  messageId: MessageId;
  /** Votes per option id (every option of the poll, zero included). */
  counts: Record<string, number>;
  /**
   * Up to POLL_VOTERS_PAGE voters per option, earliest first. Always empty for anonymous polls:
   * stores never return voters of an anonymous poll.
   */
  voters: Record<string, UserId[]>;
  /** Distinct members with at least one vote. */
  totalVoters: number;
  /** The viewer's own choices. */
  myVotes: string[];
}

/** One option of a poll as one viewer sees it. */
export interface PollOptionView {
  id: string;
  text: string;
  /** Every vote for the option, whoever may be listed. */
  voteCount: number;
  /** Up to POLL_VOTERS_PAGE voters, earliest first; empty for an anonymous poll. */
  voterIds: UserId[];
}

/** A poll and its results as one viewer sees them. */
export interface PollView {
  poll: Poll;
  options: PollOptionView[];
  totalVoters: number;
  /** The viewer's own choices. */
  myVotes: string[];
}

/**
 * The viewer's view of a poll from its results: every option in the poll's order with its count,
 * and its voters unless the poll is anonymous (never shown, whatever a store returned).
 */
export function pollView(poll: Poll, results: PollResults): PollView {
  return {
    poll,
    options: poll.options.map((o) => ({
      id: o.id,
      text: o.text,
      voteCount: results.counts[o.id] ?? 0,
      voterIds: poll.anonymous ? [] : (results.voters[o.id] ?? []),
    })),
    totalVoters: results.totalVoters,
    myVotes: results.myVotes,
  };
}
