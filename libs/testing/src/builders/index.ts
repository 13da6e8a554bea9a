export * from './builders';
export * from './webm';
