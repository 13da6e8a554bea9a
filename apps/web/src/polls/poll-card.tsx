// A poll in a message: its options as buttons with live counts (the chat's event stream updates
// the cached message), my choices marked, and a "Closed" state. The creator closes it.
import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { ClosePollDocument, VotePollDocument, type PollFieldsFragment } from '@chatter/client';
import { describeError } from '../apollo/errors';
import { Icon } from '../ui/icons';
import './polls.css';

/** My next choices after pressing `optionId`. */
export function nextVotes(poll: PollFieldsFragment, optionId: string): string[] {
  const chosen = poll.myVotes.includes(optionId);
  if (!poll.multipleChoice) return chosen ? [] : [optionId];
  return chosen ? poll.myVotes.filter((id) => id !== optionId) : [...poll.myVotes, optionId];
}

const votersText = (n: number) => (n === 1 ? '1 voter' : `${n} voters`);

export function PollCard({
  messageId,
  poll,
  myUserId,
}: {
  messageId: string;
  poll: PollFieldsFragment;
  myUserId: string | null;
}) {
  const [vote, voting] = useMutation(VotePollDocument);
  const [close, closing] = useMutation(ClosePollDocument);
  const [error, setError] = useState<string | null>(null);
  const closed = Boolean(poll.closedAt);
  const total = poll.options.reduce((n, o) => n + o.voteCount, 0);

  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div
      className={`poll-card ${closed ? 'poll-card--closed' : ''}`}
      role="group"
      aria-label={`Poll: ${poll.question}`}
    >
      <div className="poll-card__question">{poll.question}</div>
      <div className="poll-card__hint">
        {poll.multipleChoice ? 'Choose one or more' : 'Choose one'}
        {poll.anonymous ? ' · anonymous' : ''}
        {closed ? ' · ' : ''}
        {closed && <strong className="poll-card__closed">Closed</strong>}
      </div>
      <ul className="poll-card__options">
        {poll.options.map((o) => {
          const mine = poll.myVotes.includes(o.id);
          const share = total === 0 ? 0 : Math.round((o.voteCount / total) * 100);
          return (
            <li key={o.id}>
              <button
                type="button"
                className={`poll-option ${mine ? 'poll-option--mine' : ''}`}
                aria-pressed={mine}
                disabled={closed || voting.loading}
                aria-label={`${o.text}: ${o.voteCount} ${o.voteCount === 1 ? 'vote' : 'votes'}`}
                onClick={() =>
                  void run(() =>
                    vote({ variables: { messageId, optionIds: nextVotes(poll, o.id) } }),
                  )
                }
              >
                <span className="poll-option__bar" style={{ width: `${share}%` }} aria-hidden />
                <span className="poll-option__mark" aria-hidden>
                  {mine && <Icon name="check" size={14} />}
                </span>
                <span className="poll-option__text">{o.text}</span>
                <span className="poll-option__count" data-testid="poll-count">
                  {o.voteCount}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <div className="poll-card__footer">
        <span>{votersText(poll.totalVoters)}</span>
        {!closed && myUserId === poll.creatorId && (
          <button
            type="button"
            className="poll-card__close"
            disabled={closing.loading}
            onClick={() => void run(() => close({ variables: { messageId } }))}
          >
            Close poll
          </button>
        )}
      </div>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
