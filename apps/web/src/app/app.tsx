import { Suspense, useSyncExternalStore } from 'react';
import { ApolloProvider } from '@apollo/client';
import type { AppServices } from './services';
import { AppServicesContext } from './services';
import { lazyView } from '../ui/lazy-view';

// Each first screen is its own chunk: a signed-out visitor does not download the chat, and a
// signed-in one does not download the sign-in form (the build checks both against a budget).
const SignInPage = lazyView(() => import('../sign-in/sign-in.page').then((m) => m.SignInPage));
const ChatApp = lazyView(() => import('../chat/chat-app').then((m) => m.ChatApp));

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
        <Suspense
          fallback={<div className="app-loading" role="status" aria-label="Loading Chatter" />}
        >
          {state.startsWith('signed-in') && userId ? (
            <ChatApp key={userId} userId={userId} />
          ) : (
            <SignInPage />
          )}
        </Suspense>
      </ApolloProvider>
    </AppServicesContext.Provider>
  );
}
