// The timeline's lines for the loaded part of a conversation's history, kept current while it
// is open.
import { useEffect, useMemo, useRef } from 'react';
import { useQuery } from '@apollo/client';
import {
  ConversationNoticesDocument,
  type ConversationFieldsFragment,
  type NoticeFieldsFragment,
} from '@chatter/client';
import { appendNotices } from '../realtime/cache-writes';

const PAGE = 100;

export function useNotices(
  conversation: Pick<
    ConversationFieldsFragment,
    'id' | 'kind' | 'title' | 'memberCount' | 'lastSeq'
  >,
  /** Lines after this seq: the seq before the oldest loaded message (0 from the beginning). */
  afterSeq: number | null,
  /** Seq of the newest loaded message. */
  newestMessageSeq: number,
): NoticeFieldsFragment[] {
  const skip = afterSeq === null || conversation.kind === 'DIRECT';
  const { data, refetch, fetchMore } = useQuery(ConversationNoticesDocument, {
    variables: { conversationId: conversation.id, after: afterSeq ?? 0, first: PAGE },
    skip,
  });
  const notices = useMemo(() => data?.conversationNotices.notices ?? [], [data]);

  // More than a page in the loaded range: read on (bounded).
  const hasNext = data?.conversationNotices.hasNextPage ?? false;
  const last = notices[notices.length - 1]?.seq ?? 0;
  const pages = useRef(0);
  useEffect(() => {
    if (skip || !hasNext || pages.current >= 10) return;
    pages.current += 1;
    void fetchMore({
      variables: { after: last },
      updateQuery: appendNotices(last),
    }).catch(() => undefined);
  }, [skip, hasNext, last, fetchMore]);

  // A change that makes a line arrives as an event that raises the conversation's lastSeq past
  // the newest message (reactions and edits do too): read the lines again, once per such seq.
  const lineSeq = Math.max(newestMessageSeq, last);
  const checked = useRef(conversation.lastSeq);
  useEffect(() => {
    if (skip || conversation.lastSeq <= Math.max(lineSeq, checked.current)) return;
    checked.current = conversation.lastSeq;
    pages.current = 0;
    void refetch().catch(() => undefined);
  }, [conversation.lastSeq, lineSeq, skip, refetch]);

  return notices;
}

/** The lines with seq in (after, before]: those to show before the message at `before`. */
export function noticesBetween(
  notices: readonly NoticeFieldsFragment[],
  after: number,
  before: number,
): NoticeFieldsFragment[] {
  return notices.filter((n) => n.seq > after && n.seq < before);
}
