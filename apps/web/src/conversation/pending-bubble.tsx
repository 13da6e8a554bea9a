// A send still in the outbox: "Sending" (or waiting for a connection), or refused with Retry
// and Discard.
import { useChat } from '../app/services';
import type { PendingMessage } from '@chatter/sdk';
import { formatTime } from '../ui/format';
import { Icon } from '../ui/icons';
import { notSentText } from './not-sent-text';

export function PendingBubble({ item }: { item: PendingMessage }) {
  const { outbox } = useChat();
  const failed = item.status === 'failed';
  return (
    <div
      className={`msg msg--mine msg--pending ${failed ? 'msg--failed' : ''}`}
      role="listitem"
      data-client-id={item.clientMessageId}
    >
      <div className="msg__column">
        <div className="msg__row">
          <div className="msg__bubble">
            <span className="msg__body">{item.body}</span>
            <span className="msg__meta">
              <time dateTime={item.createdAt}>{formatTime(item.createdAt)}</time>
              <span className="msg__tick" role="img" aria-label={failed ? 'Not sent' : 'Sending'}>
                <Icon name={failed ? 'alert' : 'clock'} size={14} />
              </span>
            </span>
          </div>
        </div>
        {failed ? (
          <div className="msg__failed" role="alert">
            {notSentText(item.error)}{' '}
            <button
              type="button"
              className="link"
              onClick={() => outbox.retry(item.clientMessageId)}
            >
              Retry
            </button>{' '}
            ·{' '}
            <button
              type="button"
              className="link"
              onClick={() => outbox.discard(item.clientMessageId)}
            >
              Discard
            </button>
          </div>
        ) : item.attempts > 0 && item.error ? (
          <div className="msg__seen">Waiting for connection…</div>
        ) : null}
      </div>
    </div>
  );
}
