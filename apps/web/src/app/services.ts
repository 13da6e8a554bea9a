// App-wide services, created once per page (session, Apollo) or per signed-in user (outbox,
// realtime), handed to components through context rather than module globals.
import { createContext, useContext } from 'react';
import type { ApolloClient } from '@apollo/client';
import type { Session } from '../auth/session';
import type { Outbox } from '@chatter/sdk';
import type { RealtimeSession } from '../realtime/realtime-session';

export interface AppServices {
  session: Session;
  client: ApolloClient<unknown>;
}

export interface ChatServices extends AppServices {
  myUserId: string;
  outbox: Outbox;
  realtime: RealtimeSession;
}

export const AppServicesContext = createContext<AppServices | null>(null);
export const ChatServicesContext = createContext<ChatServices | null>(null);

export function useAppServices(): AppServices {
  const s = useContext(AppServicesContext);
  if (!s) throw new Error('AppServicesContext missing');
  return s;
}

export function useChat(): ChatServices {
  const s = useContext(ChatServicesContext);
  if (!s) throw new Error('ChatServicesContext missing');
  return s;
}
