// Contract suites live in @chatter/testing, which depends on core: a spec-only cycle the lint cannot tell apart.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { presenceStoreContract } from '@chatter/testing';
import { InMemoryBackend } from './in-memory-backend';
import { InMemoryPresenceStore } from './in-memory-presence-store';

presenceStoreContract('InMemoryPresenceStore', async () => {
  const backend = new InMemoryBackend();
  return {
    store: new InMemoryPresenceStore({ backend }),
    storeB: new InMemoryPresenceStore({ backend }),
    cleanup: async () => undefined,
  };
});
