import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { REFRESH_KEY, Session } from './auth/session';
import { createApolloClient } from './apollo/apollo-client';
import { App } from './app/app';
import { registerServiceWorker } from './notifications/register-service-worker';
import './styles.css';

const session = new Session('/graphql', localStorage);
const client = createApolloClient(session, '/graphql');
// Signing out (here or because the session was revoked) must not leave anyone's data behind.
session.subscribe(() => {
  if (session.state === 'signed-out') void client.clearStore();
});

// Another tab signed out (or was signed out): follow it here too.
window.addEventListener('storage', (e) => {
  if (e.key === REFRESH_KEY) session.storageChanged();
});

registerServiceWorker();

const root = document.getElementById('root')!;
// Tells public/boot-check.js that the app started (it explains a page whose bundle never ran).
root.dataset.app = 'started';
createRoot(root).render(
  <StrictMode>
    <App services={{ session, client }} />
  </StrictMode>,
);
