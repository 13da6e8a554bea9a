export * from './disk-file-storage';
export * from './s3-file-storage';
export * from './unconfigured-file-storage';
