import { useMemo, type ReactNode } from 'react';
import { MentionText } from '../mentions/mention-body';
import type { MentionedUser } from '../mentions/mention-text';
import { parseMarkup } from './markup';
import { MarkupView } from './markup-view';

/**
 * A message body with its formatting (bold, italic, strike, code, quotes, lists); mentions and
 * links inside the text as before. A body without markup renders exactly as plain text.
 */
export function FormattedBody(props: {
  body: string;
  mentions: readonly MentionedUser[];
  mentionsAll: boolean;
  myId: string | null;
}): ReactNode {
  const { body, mentions, mentionsAll, myId } = props;
  const blocks = useMemo(() => parseMarkup(body), [body]);
  const only = blocks[0];
  if (
    blocks.length === 1 &&
    only?.type === 'paragraph' &&
    only.children.every((c) => c.type === 'text')
  ) {
    return <MentionText {...props} />;
  }
  return (
    <span className="md">
      <MarkupView
        blocks={blocks}
        text={(value) => (
          <MentionText body={value} mentions={mentions} mentionsAll={mentionsAll} myId={myId} />
        )}
      />
    </span>
  );
}
