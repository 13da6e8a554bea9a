export * from './disk-file-storage';
export * from './s3-file-storage';
export * from './unconfigured-file-storage';
export * from './sharp-image-processor';
export * from './file-type-sniffer';
export * from './music-metadata-prober';
export * from './webm-duration';
