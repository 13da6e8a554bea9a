// Contract suites live in @chatter/testing, which depends on core: a spec-only cycle the lint cannot tell apart.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loginCodeStoreContract } from '@chatter/testing';
import { InMemoryBackend } from './in-memory-backend';
import { InMemoryLoginCodeStore } from './in-memory-login-code-store';

loginCodeStoreContract('InMemoryLoginCodeStore', async () => {
  const backend = new InMemoryBackend();
  return {
    store: new InMemoryLoginCodeStore({ backend }),
    storeB: new InMemoryLoginCodeStore({ backend }),
    cleanup: async () => undefined,
  };
});
