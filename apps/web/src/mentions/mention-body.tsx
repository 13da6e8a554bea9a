import type { ReactNode } from 'react';
import { Linkified } from '../ui/linkify';
import { splitMentions, type MentionedUser } from './mention-text';

/** A message body with its mentions shown as names (mine stand out) and links clickable. */
export function MentionText({
  body,
  mentions,
  mentionsAll,
  myId,
}: {
  body: string;
  mentions: readonly MentionedUser[];
  mentionsAll: boolean;
  myId: string | null;
}): ReactNode {
  return splitMentions(body, mentions, mentionsAll).map((part, i) =>
    part.kind === 'text' ? (
      <Linkified key={i} text={part.text} />
    ) : (
      <span
        key={i}
        className={`mention ${part.userId === null || part.userId === myId ? 'mention--me' : ''}`}
      >
        {part.text}
      </span>
    ),
  );
}
