export * from './nats-event-bus';
export * from './nats-notification-queue';
