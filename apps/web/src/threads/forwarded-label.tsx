// The label of a forwarded copy (it says nothing of where the original was).
import type { MessageFieldsFragment } from '@chatter/client';
import { Icon } from '../ui/icons';

export function ForwardedLabel({ message }: { message: Pick<MessageFieldsFragment, 'forwarded'> }) {
  if (!message.forwarded) return null;
  return (
    <span className="msg__forwarded">
      <Icon name="forward" size={12} /> Forwarded
    </span>
  );
}
