export * from './redis-connection';
export * from './redis-event-bus';
export * from './redis-presence-store';
export * from './redis-rate-limiter';
export * from './redis-login-code-store';
export * from './redis-delivery-ledger';
export * from './redis-notification-queue';
