// Writing box: Enter sends, Shift+Enter breaks the line, Escape cancels a reply or an edit.
// "Typing" is announced at most every few seconds and withdrawn after a pause or a send.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ScheduleButton } from '../scheduled/schedule-button';
import { ScheduledList } from '../scheduled/scheduled-list';
import { useMutation } from '@apollo/client';
import {
  EditMessageDocument,
  SetTypingDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { useChat } from '../app/services';
import { Icon } from '../ui/icons';
import { describeError } from '../apollo/errors';
import { EmojiGrid } from '../ui/emoji-grid';
import {
  MENTION_LISTBOX_ID,
  MentionSuggestions,
  mentionOptionId,
} from '../mentions/mention-suggestions';
import { bodyToDraft, draftToBody } from '../mentions/mention-text';
import { useMentionAutocomplete } from '../mentions/use-mention-autocomplete';
import { useComposerAttachments } from '../attachments/use-composer-attachments';
import { PollComposerButton } from '../polls/poll-composer';

const TYPING_EVERY_MS = 3_000;
const TYPING_STOP_MS = 4_000;
const MAX_LENGTH = 4_000;

export function Composer({
  conversationId,
  replyTo,
  editing,
  onCancel,
  onSent,
  disabled,
}: {
  conversationId: string;
  replyTo: MessageFieldsFragment | null;
  editing: MessageFieldsFragment | null;
  onCancel: () => void;
  onSent: () => void;
  disabled?: string | null;
}) {
  const { outbox, myUserId } = useChat();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const stopTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [setTyping] = useMutation(SetTypingDocument);
  const [editMessage, editState] = useMutation(EditMessageDocument);
  const draftKey = `chatter.draft.${conversationId}`;
  const files = useComposerAttachments(conversationId);
  const mention = useMentionAutocomplete({
    conversationId,
    myId: myUserId,
    text: body,
    setText: (text) => onChange(text),
    input,
  });

  useEffect(() => {
    setBody(sessionStorage.getItem(draftKey) ?? '');
  }, [draftKey]);

  useEffect(() => {
    if (editing) {
      const { draft, picked } = bodyToDraft(editing.body ?? '', editing.mentions);
      setBody(draft);
      mention.setPicked(picked);
    }
    if (editing || replyTo) input.current?.focus();
  }, [editing, replyTo]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    input.current?.focus();
  }, [conversationId]);

  // Grow with the text, up to a few lines.
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [body]);

  // Typing updates go out one after the other: a "stopped" overtaking its "started" would
  // leave the other side (and the server's throttle) believing we still type.
  const typingChain = useRef<Promise<unknown>>(Promise.resolve());
  const announceTyping = (typing: boolean) => {
    typingChain.current = typingChain.current
      .then(() => setTyping({ variables: { conversationId, typing } }))
      .catch(() => undefined);
  };

  const stopTyping = () => {
    if (stopTimer.current) clearTimeout(stopTimer.current);
    stopTimer.current = null;
    if (typingSentAt.current) {
      typingSentAt.current = 0;
      announceTyping(false);
    }
  };

  useEffect(() => () => stopTyping(), []); // eslint-disable-line react-hooks/exhaustive-deps

  const onChange = (value: string) => {
    setBody(value);
    if (!editing) {
      if (value) sessionStorage.setItem(draftKey, value);
      else sessionStorage.removeItem(draftKey);
    }
    if (!value.trim()) return stopTyping();
    const now = Date.now();
    if (now - typingSentAt.current > TYPING_EVERY_MS) {
      typingSentAt.current = now;
      announceTyping(true);
    }
    if (stopTimer.current) clearTimeout(stopTimer.current);
    stopTimer.current = setTimeout(stopTyping, TYPING_STOP_MS);
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const draft = body.trim();
    if ((!draft && (editing || !files.hasDrafts)) || disabled) return;
    // Names picked from the autocomplete go out as mention tokens (docs/notifications.md).
    const text = draftToBody(draft, mention.picked);
    setError(null);
    if (editing) {
      const target = editing;
      // Leave edit mode at once: what the person types next is a new message, not this edit.
      setBody('');
      onCancel();
      mention.setPicked([]);
      if (text === target.body) return;
      try {
        await editMessage({
          variables: { id: target.id, body: text },
          optimisticResponse: {
            editMessage: { ...target, body: text, editedAt: new Date().toISOString() },
          },
        });
      } catch (err) {
        setError(`Could not edit the message. ${describeError(err)}`);
      }
      return;
    }
    stopTyping();
    if (!files.send(text, replyTo?.id ?? null))
      outbox.enqueue({ conversationId, body: text, replyToId: replyTo?.id ?? null });
    mention.setPicked([]);
    setBody('');
    sessionStorage.removeItem(draftKey);
    onSent();
    input.current?.focus();
  };

  const [emojiOpen, setEmojiOpen] = useState(false);
  const emojiButton = useRef<HTMLButtonElement>(null);
  /** Puts the emoji where the caret was and goes back to writing. */
  const insertEmoji = (emoji: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    const next = body.slice(0, start) + emoji + body.slice(end);
    if (next.length > MAX_LENGTH) return;
    onChange(next);
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mention.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && (replyTo || editing)) {
      e.preventDefault();
      if (editing) setBody('');
      onCancel();
    } else if (e.key === 'ArrowUp' && !body && !editing) {
      // Like most chat apps: ArrowUp in an empty box edits your last message (handled by parent).
      input.current?.dispatchEvent(new CustomEvent('chatter:edit-last', { bubbles: true }));
    }
  };

  if (disabled) {
    return (
      <div className="composer composer--disabled" role="status">
        {disabled}
      </div>
    );
  }

  return (
    <form
      className={`composer ${files.dragging ? 'composer--dragging' : ''}`}
      onSubmit={(e) => void submit(e)}
      {...files.dropHandlers}
    >
      {(replyTo || editing) && (
        <div className="composer__context">
          <Icon name={editing ? 'edit' : 'reply'} size={16} />
          <span className="composer__context-text">
            <strong>{editing ? 'Editing message' : `Replying to ${replyTo!.sender.name}`}</strong>
            <span>{(editing ?? replyTo)!.body}</span>
          </span>
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label={editing ? 'Cancel edit' : 'Cancel reply'}
            onClick={() => {
              if (editing) setBody('');
              onCancel();
            }}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {mention.open && (
        <MentionSuggestions
          options={mention.suggestions}
          active={mention.active}
          onPick={mention.pick}
        />
      )}
      {!editing && <ScheduledList conversationId={conversationId} />}
      {files.tray}
      <div className="composer__row">
        {!editing && files.controls}
        {!editing && <PollComposerButton conversationId={conversationId} />}
        <textarea
          ref={input}
          className="composer__input"
          rows={1}
          placeholder="Message"
          aria-label="Message"
          maxLength={MAX_LENGTH}
          value={body}
          onChange={(e) => {
            onChange(e.target.value);
            mention.track(e.target.selectionStart);
          }}
          onSelect={(e) => mention.track(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          // A textarea takes no combobox role (ARIA in HTML): the list is tied by these alone.
          aria-autocomplete="list"
          aria-controls={mention.open ? MENTION_LISTBOX_ID : undefined}
          aria-activedescendant={mention.open ? mentionOptionId(mention.active) : undefined}
          onBlur={() => stopTyping()}
        />
        <span className="composer__emoji">
          <button
            type="button"
            ref={emojiButton}
            className="icon-button"
            aria-label="Insert emoji"
            aria-expanded={emojiOpen}
            onClick={() => setEmojiOpen((o) => !o)}
          >
            <Icon name="smile" size={20} />
          </button>
          {emojiOpen && (
            <EmojiGrid
              label="Insert emoji"
              onPick={insertEmoji}
              onClose={() => {
                setEmojiOpen(false);
                emojiButton.current?.focus();
              }}
            />
          )}
        </span>
        {!editing && !files.hasDrafts && (
          <ScheduleButton
            conversationId={conversationId}
            body={body}
            onScheduled={() => onChange('')}
          />
        )}
        <button
          className="composer__send"
          type="submit"
          aria-label={editing ? 'Save edit' : 'Send'}
          disabled={(!body.trim() && (Boolean(editing) || !files.hasDrafts)) || editState.loading}
        >
          <Icon name={editing ? 'check' : 'send'} size={20} />
        </button>
      </div>
    </form>
  );
}
