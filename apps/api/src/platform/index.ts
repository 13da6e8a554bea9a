export * from './config';
export * from './health';
export * from './logging';
export * from './metrics';
export * from './platform.module';
export * from './security';
export * from './shutdown';
export * from './static';
