import { Actor } from '../../shared/actor';
import { invalid } from '../../shared/domain-error';
import { pageSize } from '../../shared/page';
import { UseCase } from '../../shared/use-case';
import { ConversationAccess } from '../conversation-access';
import { ConversationRepository } from '../conversation.repository';
import { NoticeEvent } from '../message';

/** Most notices in one page. */
export const MAX_NOTICES_PAGE = 100;

export interface NoticePage {
  /** Oldest first. */
  notices: NoticeEvent[];
  hasNextPage: boolean;
}

/**
 * The timeline's lines between messages: who was added, removed, left or joined, role changes,
 * renames and setting changes. They are the conversation's log entries, so a client that resumes
 * receives the same changes as events with the same seqs.
 */
@UseCase()
export class ConversationNotices {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly access: ConversationAccess,
  ) {}

  /** Notices with seq > `after`, forward, within the reader's periods of history. */
  async list(
    actor: Actor,
    conversationId: string,
    after: number | null | undefined,
    first: number | null | undefined,
  ): Promise<NoticePage> {
    if (after !== null && after !== undefined && (!Number.isInteger(after) || after < 0))
      throw invalid('after', 'after must be a non-negative integer');
    // A former member reads the lines of their periods, their own REMOVED or LEFT included.
    const { conversation, periods } = await this.access.reader(actor, conversationId);
    const limit = pageSize(first, MAX_NOTICES_PAGE);
    // Under SINCE_JOINED a period starts at the member's own ADDED entry; that entry itself is
    // shown ("Ada added you"), as the first line of what they see.
    const rows: NoticeEvent[] = [];
    for (const period of periods) {
      if (rows.length > limit) break;
      if (period.toSeq !== null && period.toSeq <= (after ?? 0)) continue;
      const found = await this.conversations.listNotices(
        actor.tenantId,
        conversation.id,
        Math.max(after ?? 0, period.fromSeq - 1),
        limit + 1 - rows.length,
      );
      rows.push(...found.filter((n) => period.toSeq === null || n.seq <= period.toSeq));
    }
    return { notices: rows.slice(0, limit), hasNextPage: rows.length > limit };
  }
}
