// The call controller of the signed-in user, created once and fed by the realtime stream.
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { gql } from '@apollo/client';
import { useChat } from '../app/services';
import { CallController, type CallState } from './call-controller';
import { CallOverlay } from './call-overlay';
import './calls.css';

const PEER = gql`
  fragment CallPeer on Conversation {
    otherUser {
      id
      name
    }
  }
`;

const CallContext = createContext<CallController | null>(null);

export function CallProvider({ children }: { children: React.ReactNode }) {
  const { client, myUserId, realtime } = useChat();
  const controller = useMemo(
    () =>
      new CallController({
        client,
        myUserId,
        nameOf: (conversationId) => {
          const id = client.cache.identify({ __typename: 'Conversation', id: conversationId });
          const c = id
            ? client.cache.readFragment<{ otherUser: { name: string } | null }>({
                id,
                fragment: PEER,
              })
            : null;
          return c?.otherUser?.name ?? 'Unknown';
        },
      }),
    [client, myUserId],
  );
  useEffect(() => {
    const off = realtime.onCallSignal(controller.onSignal);
    return () => {
      off();
      controller.dispose();
    };
  }, [controller, realtime]);
  return (
    <CallContext.Provider value={controller}>
      {children}
      <CallOverlay controller={controller} />
    </CallContext.Provider>
  );
}

export function useCallController(): CallController | null {
  return useContext(CallContext);
}

export function useCallState(controller: CallController): CallState {
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot);
}
