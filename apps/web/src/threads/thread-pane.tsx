// The thread pane: the root, its replies (live), a composer, and following the thread.
import { useCallback, useRef } from 'react';
import { useMutation } from '@apollo/client';
import {
  EditMessageDocument,
  FollowThreadDocument,
  UnfollowThreadDocument,
  type MessageFieldsFragment,
} from '@chatter/client';
import { useChat } from '../app/services';
import { Icon } from '../ui/icons';
import { MessageBubble } from '../conversation/message-bubble';
import { replyCountText } from './thread-link';
import { useThreadReplies } from './use-thread-replies';
import { ThreadComposer } from './thread-composer';

export function ThreadPane({
  root,
  canSend,
  onClose,
}: {
  root: MessageFieldsFragment;
  canSend: boolean;
  onClose: () => void;
}) {
  const { myUserId } = useChat();
  const { replies, loading, error, refetch } = useThreadReplies(root.id);
  const input = useRef<HTMLTextAreaElement>(null);
  const [follow] = useMutation(FollowThreadDocument);
  const [unfollow] = useMutation(UnfollowThreadDocument);
  const [editMessage] = useMutation(EditMessageDocument);
  const following = root.thread?.following ?? false;
  const count = root.thread?.replyCount ?? replies.length;

  const focusComposer = useCallback(() => input.current?.focus(), []);
  const edit = useCallback(
    (m: MessageFieldsFragment) => {
      const body = window.prompt('Edit message', m.body ?? '');
      if (body === null || body === m.body || !body.trim()) return;
      void editMessage({ variables: { id: m.id, body } }).catch(() =>
        window.alert('Could not edit the message. Try again.'),
      );
    },
    [editMessage],
  );
  const noJump = useCallback(() => undefined, []);
  const bubble = (m: MessageFieldsFragment, showSender: boolean) => (
    <MessageBubble
      key={m.id}
      message={m}
      mine={m.sender.id === myUserId}
      showSender={showSender}
      showAvatar
      grouped={false}
      highlighted={false}
      onReply={focusComposer}
      onEdit={edit}
      onJump={noJump}
    />
  );

  return (
    <aside
      className="side-panel thread-pane"
      aria-label="Thread"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <header className="side-panel__header">
        <h2>Thread</h2>
        <button
          type="button"
          className={`button button--small ${following ? 'button--secondary' : ''}`}
          aria-pressed={following}
          onClick={() =>
            void (following ? unfollow : follow)({ variables: { rootId: root.id } }).catch(
              () => undefined,
            )
          }
        >
          {following ? 'Following' : 'Follow'}
        </button>
        <button type="button" className="icon-button" aria-label="Close thread" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="side-panel__body thread-pane__body">
        <div className="thread-pane__root" role="list" aria-label="Thread root">
          {bubble(root, true)}
        </div>
        <p className="thread-pane__count muted">{replyCountText(count)}</p>
        {error ? (
          <p className="form-error">
            Could not load the replies.{' '}
            <button type="button" className="link-button" onClick={() => void refetch()}>
              Try again
            </button>
          </p>
        ) : loading && replies.length === 0 ? (
          <p className="muted">Loading…</p>
        ) : (
          <div className="thread-pane__replies" role="list" aria-label="Replies" aria-live="polite">
            {replies.map((m) => bubble(m, true))}
          </div>
        )}
      </div>
      <ThreadComposer
        conversationId={root.conversationId}
        rootId={root.id}
        input={input}
        disabled={!canSend || Boolean(root.deletedAt)}
      />
    </aside>
  );
}
