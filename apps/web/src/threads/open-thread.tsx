// The thread pane for a root held in the cache: its summary stays live (events update the root).
import { useFragment } from '@apollo/client';
import { MessageFieldsFragmentDoc, type MessageFieldsFragment } from '@chatter/client';
import { ThreadPane } from './thread-pane';

export function OpenThread({
  root,
  canSend,
  onClose,
}: {
  root: MessageFieldsFragment;
  canSend: boolean;
  onClose: () => void;
}) {
  const live = useFragment({
    fragment: MessageFieldsFragmentDoc,
    fragmentName: 'MessageFields',
    from: { __typename: 'Message', id: root.id },
  });
  const current = live.complete ? (live.data as MessageFieldsFragment) : root;
  return <ThreadPane key={root.id} root={current} canSend={canSend} onClose={onClose} />;
}
