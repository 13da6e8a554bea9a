export * from './store-under-test';
export * from './store-contracts';
export * from './tenant-repository.contract';
export * from './user-repository.contract';
export * from './session-repository.contract';
export * from './contact-repository.contract';
export * from './conversation-repository.contract';
export * from './message-repository.contract';
