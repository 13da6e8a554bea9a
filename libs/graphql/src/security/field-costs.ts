/** How the cost analysis prices one field of the schema, beyond 1 per field. */
export interface FieldCost {
  /** Largest page the use case serves (`first`/`last` above it are refused with BAD_USER_INPUT). */
  readonly maxPage?: number;
  /** Page served when neither `first` nor `last` is given. */
  readonly defaultPage?: number;
  /** Extra cost of one call on top of its selection (e.g. a full-text scan). */
  readonly weight?: number;
  /** Counted against `QueryLimits.maxExpensiveFields` (searches: a scan per call). */
  readonly expensive?: boolean;
}

/**
 * Every paginated field, keyed `Type.field`, with the page caps the use cases enforce
 * (`pageSize(first, max)` in libs/core). A spec checks that each field of the schema with a
 * `first` or `last` argument has a row here, so a new list cannot escape the cost analysis.
 */
export const FIELD_COSTS: Readonly<Record<string, FieldCost>> = {
  'Query.conversations': { maxPage: 50, defaultPage: 20 },
  // A plain list (at most 50), priced like a page of them.
  'Query.formerConversations': { maxPage: 50, defaultPage: 20 },
  'Query.channels': { maxPage: 50, defaultPage: 20, weight: 20 },
  'Query.contacts': { maxPage: 100, defaultPage: 20 },
  'Query.messages': { maxPage: 100, defaultPage: 20 },
  'Query.conversationNotices': { maxPage: 100, defaultPage: 20 },
  'Query.searchMessages': { maxPage: 50, defaultPage: 20, weight: 100, expensive: true },
  'Query.threadReplies': { maxPage: 100, defaultPage: 20 },
  // Pages filtered by what the viewer can still read: a few store reads per page.
  'Query.followedThreads': { maxPage: 50, defaultPage: 20, weight: 10 },
  'Query.starredMessages': { maxPage: 50, defaultPage: 20, weight: 10 },
  'Conversation.members': { maxPage: 100, defaultPage: 20 },
  'Query.auditLog': { maxPage: 100, defaultPage: 20 },
  // A plain list of at most 200 (SCHEDULED_LIST_LIMIT), priced as all of them.
  'Query.scheduledMessages': { maxPage: 200, defaultPage: 200 },
  // A plain list capped at POLL_VOTERS_PAGE (20) per option, priced like a full page.
  'PollOption.voters': { maxPage: 20, defaultPage: 20 },
};

/** Arguments that size a page. */
export const PAGE_ARGS: readonly string[] = ['first', 'last'];
