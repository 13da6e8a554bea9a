import './scheduled.css';
import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { ScheduledMessagesDocument, ScheduleMessageDocument } from '@chatter/client';
import { describeError } from '../apollo/errors';
import { Icon } from '../ui/icons';
import { newScheduleId, toLocalInput } from './schedule-time';

/**
 * "Send later" in the composer: picks a time and schedules what is typed; the composer then
 * clears. The server sends it at that time (ScheduledList shows what waits).
 */
export function ScheduleButton({
  conversationId,
  body,
  onScheduled,
}: {
  conversationId: string;
  body: string;
  onScheduled: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [when, setWhen] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000)));
  const [error, setError] = useState<string | null>(null);
  const [schedule, { loading }] = useMutation(ScheduleMessageDocument, {
    refetchQueries: [{ query: ScheduledMessagesDocument, variables: { conversationId } }],
  });
  const submit = async () => {
    const sendAt = new Date(when);
    if (Number.isNaN(sendAt.getTime())) return setError('Pick a date and time');
    setError(null);
    try {
      await schedule({
        variables: {
          input: {
            conversationId,
            body: body.trim(),
            sendAt: sendAt.toISOString(),
            clientMessageId: newScheduleId(),
          },
        },
      });
      setOpen(false);
      onScheduled();
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <span className="schedule-button">
      <button
        type="button"
        className="icon-button"
        aria-label="Send later"
        aria-expanded={open}
        disabled={!body.trim()}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="clock" size={20} />
      </button>
      {open && (
        <div className="schedule-form" role="dialog" aria-label="Send later">
          <label className="field">
            <span>Send at</span>
            <input
              type="datetime-local"
              value={when}
              min={toLocalInput(new Date())}
              onChange={(e) => setWhen(e.target.value)}
            />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="schedule-form__actions">
            <button type="button" className="button button--ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button"
              disabled={loading}
              onClick={() => void submit()}
            >
              Schedule
            </button>
          </div>
        </div>
      )}
    </span>
  );
}
