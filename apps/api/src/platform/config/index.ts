export * from './app-config';
export * from './app-config.module';
export * from './config-error';
export * from './config-reference';
export * from './cors';
export * from './load-config';
export * from './repo-root';
