export * from './api-process';
export * from './graphql-client';
export * from './app-tokens';
export * from './driver-env';
