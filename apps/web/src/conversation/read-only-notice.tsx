import type { ConversationKind } from '@chatter/client';
import { exitNoticeText, type ViewerExit } from './exit-notice-text';

/** Shown in place of the composer while I am a former member of the conversation. */
export function ReadOnlyNotice({
  exit,
  kind,
  myUserId,
}: {
  exit: ViewerExit;
  kind: ConversationKind;
  myUserId: string;
}) {
  const { title, detail } = exitNoticeText(exit, kind, myUserId);
  return (
    <div className="read-only-notice" role="status">
      <p className="read-only-notice__title">{title}</p>
      <p className="read-only-notice__detail">{detail}</p>
    </div>
  );
}
