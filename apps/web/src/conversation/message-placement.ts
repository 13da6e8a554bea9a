// How a message sits among its neighbours: a day separator before it, grouped under the
// previous message (same sender within five minutes, same day), last of its group (avatar).
import type { MessageFieldsFragment } from '@chatter/client';
import { dayKey } from '../ui/format';

export const GROUP_WINDOW_MS = 5 * 60_000;

type Placed = Pick<MessageFieldsFragment, 'createdAt' | 'sender'>;

export interface Placement {
  newDay: boolean;
  grouped: boolean;
  lastOfGroup: boolean;
}

const sameGroup = (a: Placed, b: Placed) =>
  a.sender.id === b.sender.id &&
  dayKey(a.createdAt) === dayKey(b.createdAt) &&
  Date.parse(b.createdAt) - Date.parse(a.createdAt) < GROUP_WINDOW_MS;

export function placement(messages: readonly Placed[], i: number): Placement {
  const m = messages[i]!;
  const before = messages[i - 1];
  const after = messages[i + 1];
  const newDay = !before || dayKey(before.createdAt) !== dayKey(m.createdAt);
  return {
    newDay,
    grouped: !newDay && !!before && sameGroup(before, m),
    lastOfGroup: !after || !sameGroup(m, after),
  };
}
