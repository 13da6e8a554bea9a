// "Reply in thread", "Star" and "Forward" on a message's toolbar.
import { useContext } from 'react';
import { useMutation } from '@apollo/client';
import {
  StarMessageDocument,
  UnstarMessageDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { Icon } from '../ui/icons';
import { ThreadUiContext } from './thread-ui-context';

export function MessageExtraActions({ message: m }: { message: MessageFieldsFragment }) {
  const ui = useContext(ThreadUiContext);
  const [star] = useMutation(StarMessageDocument);
  const [unstar] = useMutation(UnstarMessageDocument);
  const toggleStar = () => {
    const optimistic = { __typename: 'Message' as const, id: m.id, starredByMe: !m.starredByMe };
    if (m.starredByMe)
      void unstar({
        variables: { messageId: m.id },
        optimisticResponse: { unstarMessage: optimistic },
      }).catch(() => undefined);
    else
      void star({
        variables: { messageId: m.id },
        optimisticResponse: { starMessage: optimistic },
      }).catch(() => undefined);
  };
  return (
    <>
      {ui && !m.threadRootId && (
        <button
          type="button"
          tabIndex={-1}
          className="icon-button icon-button--small"
          aria-label="Reply in thread"
          onClick={() => ui.openThread(m.id)}
        >
          <Icon name="thread" size={16} />
        </button>
      )}
      <button
        type="button"
        tabIndex={-1}
        className={`icon-button icon-button--small ${m.starredByMe ? 'icon-button--on' : ''}`}
        aria-label={m.starredByMe ? 'Unstar' : 'Star'}
        aria-pressed={m.starredByMe}
        onClick={toggleStar}
      >
        <Icon name="star" size={16} />
      </button>
      {ui && !m.call && (
        <button
          type="button"
          tabIndex={-1}
          className="icon-button icon-button--small"
          aria-label="Forward"
          onClick={() => ui.forward(m)}
        >
          <Icon name="forward" size={16} />
        </button>
      )}
    </>
  );
}
