export * from './diagnostics.module';
export * from './stall-attribution';
export * from './stall-report';
export * from './stall-sampler';
