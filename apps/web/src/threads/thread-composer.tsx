// The thread pane's writing box: Enter sends the reply, Shift+Enter breaks the line.
import { useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { useApolloClient, useMutation } from '@apollo/client';
import { SendMessageDocument } from '@chatter/client';
import { addThreadReply } from '../realtime/cache-writes';
import { describeError } from '../apollo/errors';
import { Icon } from '../ui/icons';

const MAX_LENGTH = 4_000;
const newClientId = () => `t-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export function ThreadComposer({
  conversationId,
  rootId,
  input,
  disabled,
}: {
  conversationId: string;
  rootId: string;
  input: RefObject<HTMLTextAreaElement | null>;
  disabled?: boolean;
}) {
  const client = useApolloClient();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [send, state] = useMutation(SendMessageDocument);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const text = body.replace(/\r\n?/g, '\n');
    if (!text.trim() || state.loading) return;
    setError(null);
    try {
      const result = await send({
        variables: {
          input: {
            conversationId,
            clientMessageId: newClientId(),
            body: text,
            threadRootId: rootId,
          },
        },
      });
      if (result.data) addThreadReply(client.cache, result.data.sendMessage);
      setBody('');
    } catch (err) {
      setError(describeError(err));
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <form className="composer thread-composer" onSubmit={(e) => void submit(e)}>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="composer__row">
        <textarea
          ref={input}
          className="composer__input"
          rows={1}
          placeholder="Reply in thread…"
          aria-label="Thread reply"
          maxLength={MAX_LENGTH}
          value={body}
          disabled={disabled}
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button
          type="submit"
          className="icon-button composer__send"
          aria-label="Send reply"
          disabled={disabled || !body.trim() || state.loading}
        >
          <Icon name="send" />
        </button>
      </div>
    </form>
  );
}
