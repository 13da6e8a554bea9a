import { useMutation, useQuery } from '@apollo/client';
import { CancelScheduledMessageDocument, ScheduledMessagesDocument } from '@chatter/client';
import { describeError } from '../apollo/errors';
import { scheduledFailureText } from './failure-text';
import { formatSendAt } from './schedule-time';
import './scheduled.css';

/** My messages waiting to be sent in this conversation (or that failed), soonest first. */
export function ScheduledList({ conversationId }: { conversationId: string }) {
  const { data, refetch } = useQuery(ScheduledMessagesDocument, {
    variables: { conversationId },
    // Sent ones leave the list on the server; look again now and then.
    pollInterval: 15_000,
  });
  const [cancel] = useMutation(CancelScheduledMessageDocument);
  const items = data?.scheduledMessages ?? [];
  if (items.length === 0) return null;
  return (
    <details className="scheduled-list">
      <summary>
        {items.length} scheduled {items.length === 1 ? 'message' : 'messages'}
      </summary>
      <ul aria-label="Scheduled messages">
        {items.map((s) => (
          <li key={s.id} className={`scheduled-list__item scheduled-list__item--${s.state}`}>
            <span className="scheduled-list__when">
              {s.state === 'FAILED'
                ? `Not sent: ${scheduledFailureText(s.failure)}`
                : formatSendAt(s.sendAt)}
            </span>
            <span className="scheduled-list__body">{s.body}</span>
            {s.state !== 'SENDING' && (
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() =>
                  void cancel({ variables: { id: s.id } })
                    .then(() => refetch())
                    .catch((err) => window.alert(describeError(err)))
                }
              >
                {s.state === 'FAILED' ? 'Dismiss' : 'Cancel'}
              </button>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
