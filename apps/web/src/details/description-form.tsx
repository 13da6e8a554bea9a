import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { UpdateConversationDocument, type ConversationFieldsFragment } from '@chatter/client';
import { describeError } from '../apollo/errors';

const MAX = 500;

/** Admins set what a group or channel is about; an empty text clears it. */
export function DescriptionForm({
  conversation: c,
  onError,
}: {
  conversation: ConversationFieldsFragment;
  onError: (e: string | null) => void;
}) {
  const [text, setText] = useState(c.description ?? '');
  const [update, { loading }] = useMutation(UpdateConversationDocument);
  const unchanged = text.trim() === (c.description ?? '');
  return (
    <form
      className="description-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (unchanged) return;
        onError(null);
        update({
          variables: { input: { conversationId: c.id, description: text.trim() } },
        }).catch((err) => onError(describeError(err)));
      }}
    >
      <label className="field">
        <span>Description</span>
        <textarea
          value={text}
          rows={3}
          maxLength={MAX}
          placeholder={
            c.kind === 'CHANNEL' ? 'What is this channel about?' : 'What is this group about?'
          }
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button className="button" type="submit" disabled={loading || unchanged}>
        {!text.trim() && c.description ? 'Remove description' : 'Save description'}
      </button>
    </form>
  );
}
