export * from './api-process';
export * from './graphql-client';
