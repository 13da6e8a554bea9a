export * from './free-port';
export * from './service-availability';
export * from './test-service';
export * from './redis';
export * from './nats';
export * from './mongo';
export * from './fault-proxy';
export { startWatchdog } from './managed-process';
export * from './s3';
