import type { NoticeFieldsFragment } from '@chatter/client';
import { formatTime } from '../ui/format';
import { noticeText } from './notice-text';

/** One timeline line between messages ("Ada added Dan"), a list item of the message list. */
export function NoticeLine({
  notice,
  myUserId,
  kind,
}: {
  notice: NoticeFieldsFragment;
  myUserId: string;
  kind: 'GROUP' | 'CHANNEL' | 'DIRECT';
}) {
  return (
    <div role="listitem" className="messages__marker notice" data-seq={notice.seq}>
      <p className="notice__text">
        {noticeText(notice, myUserId, kind)}
        <time className="notice__time" dateTime={notice.at}>
          {formatTime(notice.at)}
        </time>
      </p>
    </div>
  );
}
