export * from './api-process';
export * from './graphql-client';
export * from './app-tokens';
