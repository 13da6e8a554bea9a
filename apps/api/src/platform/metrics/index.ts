export * from './bounded-label';
export * from './graphql-metrics.plugin';
export * from './http-metrics.middleware';
export * from './metrics.controller';
export * from './metrics.module';
export * from './metrics.service';
export * from './metrics-server';
