import { useSyncExternalStore } from 'react';
import type { PresenceFieldsFragment } from '@chatter/client';
import { useChat } from '../app/services';
import type { ConnectionStatus } from '../realtime/realtime-session';
import { formatLastSeen } from '../ui/format';

/** The realtime stream's state: presence shown is current only while it is 'online'. */
export function useConnectionStatus(): ConnectionStatus {
  const { realtime } = useChat();
  return useSyncExternalStore(realtime.onStatus, realtime.getStatus);
}

/**
 * What to say about someone's presence. Without a live stream (this device offline, the server
 * unreachable) the last known state is stale: never claim "online" then.
 */
export function presenceLabel(
  presence: Pick<PresenceFieldsFragment, 'status' | 'lastSeenAt'>,
  lastSeenAt: string | null | undefined,
  connection: ConnectionStatus,
): string {
  if (connection === 'offline') return 'waiting for network…';
  if (connection === 'connecting') return 'connecting…';
  if (presence.status === 'ONLINE') return 'online';
  if (presence.status === 'AWAY') return 'away';
  return formatLastSeen(presence.lastSeenAt ?? lastSeenAt);
}
