export * from './response-compression';
