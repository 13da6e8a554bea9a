export * from './in-memory-backend';
export * from './in-memory-event-bus';
export * from './in-memory-presence-store';
export * from './in-memory-rate-limiter';
export * from './in-memory-login-code-store';
