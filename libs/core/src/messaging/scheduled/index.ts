export * from './scheduled-message';
export * from './scheduled-message.repository';
export * from './scheduled-messages.use-cases';
