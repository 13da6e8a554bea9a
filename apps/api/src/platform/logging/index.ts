export * from './logger-params';
export * from './logging.module';
export * from './pretty-log-stream';
export * from './redaction';
