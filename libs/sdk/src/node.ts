// Node.js-only parts of the SDK (the package's "./node" entry).
export { FileCursorStorage } from './file-cursor-storage';
