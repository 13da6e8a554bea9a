export * from './nats-event-bus';
