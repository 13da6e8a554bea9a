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

  /** Notices with seq > `after`, forward, as far as the member's history visibility reaches. */
  async list(
    actor: Actor,
    conversationId: string,
    after: number | null | undefined,
    first: number | null | undefined,
  ): Promise<NoticePage> {
    if (after !== null && after !== undefined && (!Number.isInteger(after) || after < 0))
      throw invalid('after', 'after must be a non-negative integer');
    const { conversation, member } = await this.access.member(actor, conversationId);
    const limit = pageSize(first, MAX_NOTICES_PAGE);
    // Under SINCE_JOINED the history starts after the member's own ADDED entry; that entry itself
    // is shown ("Ada added you"), as the first line of what they see.
    const start = Math.max(0, member.historyFromSeq - 1);
    const rows = await this.conversations.listNotices(
      actor.tenantId,
      conversation.id,
      Math.max(after ?? 0, start),
      limit + 1,
    );
    return { notices: rows.slice(0, limit), hasNextPage: rows.length > limit };
  }
}
