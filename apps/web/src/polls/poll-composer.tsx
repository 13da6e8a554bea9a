// The "Poll" action beside attach: a small dialog asking a question with 2–12 options, single or
// multiple choice, optionally anonymous. The poll arrives in the chat like any message.
import { useEffect, useRef, useState } from 'react';
import { useMutation } from '@apollo/client';
import { SendPollDocument } from '@chatter/client';
import { describeError } from '../apollo/errors';
import { Icon } from '../ui/icons';
import './polls.css';

const MIN_OPTIONS = 2;
const MAX_OPTIONS = 12;
const QUESTION_MAX = 300;
const OPTION_MAX = 100;

const newPollClientId = () =>
  `poll-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** What the form would send, or why it cannot be sent yet. */
export function pollDraftProblem(question: string, options: readonly string[]): string | null {
  if (!question.trim()) return 'Ask a question';
  const filled = options.map((o) => o.trim()).filter(Boolean);
  if (filled.length < MIN_OPTIONS) return `Give at least ${MIN_OPTIONS} options`;
  const keys = filled.map((o) => o.normalize('NFC').toLocaleLowerCase());
  if (new Set(keys).size !== keys.length) return 'Options must all be different';
  return null;
}

export function PollComposerButton({ conversationId }: { conversationId: string }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <span className="poll-composer">
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label="Poll"
        title="Create a poll"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="checks" size={20} />
      </button>
      {open && (
        <PollForm
          conversationId={conversationId}
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </span>
  );
}

function PollForm({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState<string[]>(['', '']);
  const [multipleChoice, setMultipleChoice] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sendPoll, state] = useMutation(SendPollDocument);
  const first = useRef<HTMLInputElement>(null);
  const clientMessageId = useRef(newPollClientId());
  useEffect(() => first.current?.focus(), []);

  const problem = pollDraftProblem(question, options);

  async function submit() {
    if (problem) {
      setError(problem);
      return;
    }
    setError(null);
    try {
      await sendPoll({
        variables: {
          input: {
            conversationId,
            clientMessageId: clientMessageId.current,
            question: question.trim(),
            options: options.map((o) => o.trim()).filter(Boolean),
            multipleChoice,
            anonymous,
          },
        },
      });
      onClose();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <div
      className="poll-form"
      role="dialog"
      aria-label="New poll"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        } else if (
          e.key === 'Enter' &&
          e.target instanceof HTMLInputElement &&
          e.target.type !== 'checkbox'
        ) {
          // Inside the composer's form: Enter creates the poll, never sends a message.
          e.preventDefault();
          e.stopPropagation();
          void submit();
        }
      }}
    >
      {/* Not a <form>: the composer around it is one, and forms do not nest. */}
      <div className="poll-form__body">
        <label className="poll-form__field">
          <span>Question</span>
          <input
            ref={first}
            value={question}
            maxLength={QUESTION_MAX}
            onChange={(e) => setQuestion(e.target.value)}
          />
        </label>
        <fieldset className="poll-form__options">
          <legend>Options</legend>
          {options.map((option, i) => (
            <span className="poll-form__option" key={i}>
              <input
                aria-label={`Option ${i + 1}`}
                value={option}
                maxLength={OPTION_MAX}
                onChange={(e) =>
                  setOptions((all) => all.map((o, j) => (j === i ? e.target.value : o)))
                }
              />
              {options.length > MIN_OPTIONS && (
                <button
                  type="button"
                  className="icon-button icon-button--small"
                  aria-label={`Remove option ${i + 1}`}
                  onClick={() => setOptions((all) => all.filter((_, j) => j !== i))}
                >
                  <Icon name="close" size={14} />
                </button>
              )}
            </span>
          ))}
          {options.length < MAX_OPTIONS && (
            <button
              type="button"
              className="poll-form__add"
              onClick={() => setOptions((all) => [...all, ''])}
            >
              <Icon name="plus" size={14} /> Add option
            </button>
          )}
        </fieldset>
        <label className="poll-form__check">
          <input
            type="checkbox"
            checked={multipleChoice}
            onChange={(e) => setMultipleChoice(e.target.checked)}
          />
          Allow several answers
        </label>
        <label className="poll-form__check">
          <input
            type="checkbox"
            checked={anonymous}
            onChange={(e) => setAnonymous(e.target.checked)}
          />
          Anonymous (nobody sees who voted)
        </label>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <div className="poll-form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--primary"
            disabled={state.loading}
            onClick={() => void submit()}
          >
            Create poll
          </button>
        </div>
      </div>
    </div>
  );
}
