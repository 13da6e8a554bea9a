// The call feature of the signed-in user. Its controller and screens load in a chunk of their
// own after the first paint; signals that arrive meanwhile wait for it.
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { DocumentNode } from 'graphql';
import { useChat } from '../app/services';
import type { CallController, CallState } from './call-controller';

type Runtime = typeof import('./call-runtime');
type Signal = Parameters<CallController['onSignal']>[0];

// `fragment CallPeer on User { name }`, spelled out so the first screen needs no GraphQL parser.
const PEER = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'CallPeer' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'User' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [{ kind: 'Field', name: { kind: 'Name', value: 'name' } }],
      },
    },
  ],
} as unknown as DocumentNode;

const CallContext = createContext<CallController | null>(null);

export function CallProvider({ children }: { children: React.ReactNode }) {
  const { client, myUserId, realtime } = useChat();
  const [loaded, setLoaded] = useState<{ runtime: Runtime; controller: CallController } | null>(
    null,
  );
  useEffect(() => {
    let controller: CallController | null = null;
    let stopped = false;
    const waiting: Signal[] = [];
    const off = realtime.onCallSignal((s) =>
      controller ? controller.onSignal(s) : waiting.push(s),
    );
    void import('./call-runtime').then((runtime) => {
      if (stopped) return;
      controller = runtime.createCallController({
        client,
        myUserId,
        nameOf: (_conversationId, userId) => {
          const id = client.cache.identify({ __typename: 'User', id: userId });
          const user = id
            ? client.cache.readFragment<{ name: string }>({ id, fragment: PEER })
            : null;
          return user?.name ?? 'Unknown';
        },
      });
      for (const s of waiting.splice(0)) controller.onSignal(s);
      void controller.ringIfCalled();
      setLoaded({ runtime, controller });
    });
    return () => {
      stopped = true;
      off();
      controller?.dispose();
    };
  }, [client, myUserId, realtime]);
  const Overlay = loaded?.runtime.CallOverlay;
  return (
    <CallContext.Provider value={loaded?.controller ?? null}>
      {children}
      {Overlay && loaded && <Overlay controller={loaded.controller} />}
    </CallContext.Provider>
  );
}

export function useCallController(): CallController | null {
  return useContext(CallContext);
}

export function useCallState(controller: CallController): CallState {
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot);
}
