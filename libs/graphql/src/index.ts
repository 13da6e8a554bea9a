export * from './chatter-graphql.module';
export * from './context/gql-context';
export * from './context/loaders';
export * from './errors/error-codes';
export * from './errors/format-error';
export * from './security/query-limits';
export * from './realtime/ws-gateway';
export * from './realtime/viewer-dependence';
