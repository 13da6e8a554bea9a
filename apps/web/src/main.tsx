import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Session } from './auth/session';
import { createApolloClient } from './apollo/apollo-client';
import { App } from './app/app';
import './styles.css';

const session = new Session('/graphql', localStorage);
const client = createApolloClient(session, '/graphql');
// Signing out (here or because the session was revoked) must not leave anyone's data behind.
session.subscribe(() => {
  if (session.state === 'signed-out') void client.clearStore();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App services={{ session, client }} />
  </StrictMode>,
);
