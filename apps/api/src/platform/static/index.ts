export * from './accepts-html';
export * from './mount-static';
