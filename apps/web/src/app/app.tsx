import { useSyncExternalStore } from 'react';
import { ApolloProvider } from '@apollo/client';
import type { AppServices } from './services';
import { AppServicesContext } from './services';
import { SignInPage } from '../sign-in/sign-in.page';
import { ChatApp } from '../chat/chat-app';

export function App({ services }: { services: AppServices }) {
  const { session, client } = services;
  const state = useSyncExternalStore(
    (cb) => session.subscribe(cb),
    () => `${session.state}:${session.userId ?? ''}`,
  );
  const userId = session.userId;
  return (
    <AppServicesContext.Provider value={services}>
      <ApolloProvider client={client}>
        {state.startsWith('signed-in') && userId ? (
          <ChatApp key={userId} userId={userId} />
        ) : (
          <SignInPage />
        )}
      </ApolloProvider>
    </AppServicesContext.Provider>
  );
}
