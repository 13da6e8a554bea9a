import {
  InMemoryBackend,
  InMemoryDeliveryLedger,
  SystemClock,
  InMemoryEventBus,
  InMemoryLoginCodeStore,
  InMemoryPresenceStore,
  InMemoryRateLimiter,
} from '@chatter/core';
import { deliveryLedgerContract } from './delivery-ledger.contract';
import { eventBusContract } from './event-bus.contract';
import { loginCodeStoreContract } from './login-code-store.contract';
import { presenceStoreContract } from './presence-store.contract';
import { rateLimiterContract } from './rate-limiter.contract';

// The memory adapters live in core; their contract runs sit here because core specs importing
// @chatter/testing would make a core <-> testing cycle in the project graph.
const quiet = () => undefined;

eventBusContract('InMemoryEventBus', async () => {
  const backend = new InMemoryBackend();
  const bus = new InMemoryEventBus({ backend, onHandlerError: quiet });
  const busB = new InMemoryEventBus({ backend, onHandlerError: quiet });
  return { bus, busB, cleanup: async () => void (await Promise.all([bus.close(), busB.close()])) };
});

presenceStoreContract('InMemoryPresenceStore', async () => {
  const backend = new InMemoryBackend();
  return {
    store: new InMemoryPresenceStore({ backend }),
    storeB: new InMemoryPresenceStore({ backend }),
    cleanup: async () => undefined,
  };
});

rateLimiterContract('InMemoryRateLimiter', async () => {
  const backend = new InMemoryBackend();
  return {
    limiter: new InMemoryRateLimiter({ backend }),
    limiterB: new InMemoryRateLimiter({ backend }),
    cleanup: async () => undefined,
  };
});

loginCodeStoreContract('InMemoryLoginCodeStore', async () => {
  const backend = new InMemoryBackend();
  return {
    store: new InMemoryLoginCodeStore({ backend }),
    storeB: new InMemoryLoginCodeStore({ backend }),
    cleanup: async () => undefined,
  };
});

deliveryLedgerContract('InMemoryDeliveryLedger', async () => {
  // One process: both "instances" share the ledger.
  const ledger = new InMemoryDeliveryLedger(new SystemClock());
  return { ledger, ledgerB: ledger, cleanup: async () => undefined };
});
