export * from './harness';
export * from './builders';
export * from './contracts';
export * from './graphql';
export * from './arbitraries/user-text';
export * from './push/local-push-service';
export * from './realtime/stream-helpers';
export * from './mail/local-smtp-server';
