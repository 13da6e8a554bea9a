// Forward a message: pick a conversation you can send in.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client';
import {
  ConversationsDocument,
  ForwardMessageDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { conversationTitle } from '../chat/conversation-display';
import { describeError } from '../apollo/errors';
import { Icon } from '../ui/icons';
import { Avatar } from '../ui/avatar';

const newClientId = () => `f-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export function ForwardDialog({
  message,
  onClose,
}: {
  message: MessageFieldsFragment;
  onClose: () => void;
}) {
  const { data } = useQuery(ConversationsDocument, { variables: { first: 50 } });
  const [forward, state] = useMutation(ForwardMessageDocument);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // One idempotency key per dialog and target: a double click forwards once.
  const keys = useRef(new Map<string, string>());
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  const targets = (data?.conversations.edges ?? [])
    .map((e) => e.node)
    .filter((c) => c.viewerIsMember !== false && !c.otherUser?.isBlocked)
    .filter((c) => conversationTitle(c).toLowerCase().includes(filter.trim().toLowerCase()));

  const send = async (conversationId: string, title: string) => {
    setError(null);
    const key = keys.current.get(conversationId) ?? newClientId();
    keys.current.set(conversationId, key);
    try {
      await forward({
        variables: { input: { messageId: message.id, conversationId, clientMessageId: key } },
      });
      setDone(title);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div className="dialog-backdrop" role="presentation" onClick={onClose}>
      <div
        className="dialog forward-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Forward message"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header className="side-panel__header">
          <h2>Forward</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            <Icon name="close" />
          </button>
        </header>
        <blockquote className="forward-dialog__preview">{message.body}</blockquote>
        <input
          ref={search}
          type="search"
          className="input"
          placeholder="Search chats"
          aria-label="Search chats"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="muted" role="status">
            Forwarded to {done}.
          </p>
        )}
        <ul className="forward-dialog__list">
          {targets.map((c) => {
            const title = conversationTitle(c);
            return (
              <li key={c.id}>
                <button
                  type="button"
                  className="forward-dialog__target"
                  disabled={state.loading}
                  onClick={() => void send(c.id, title)}
                >
                  <Avatar name={title} seed={c.otherUser?.id ?? c.id} kind={c.kind} size={28} />
                  <span>{title}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
