export * from './search-text';
export * from './search-query';
export * from './search-snippet';
export * from './search-tokens';
