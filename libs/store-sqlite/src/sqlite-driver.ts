import Database from 'better-sqlite3';
import { registerSearchFunctions } from './tenant-search-index';

/**
 * Names the better-sqlite3 binary (`better_sqlite3.node`) to load instead of the one npm
 * installed: a build for another Node.js ABI, kept in a file of its own. The test command sets it
 * for its runs on other Node.js versions (scripts/native.mjs), so processes of two Node.js
 * versions never share, or swap, one binary file.
 */
export const SQLITE_BINDING_ENV = 'CHATTER_SQLITE_BINDING';

export interface OpenDatabaseOptions {
  readonly readonly?: boolean;
  /** Path of the driver binary; default: $CHATTER_SQLITE_BINDING, else the installed binary. */
  readonly nativeBinding?: string;
}

/** The driver binary to load: the one given, else $CHATTER_SQLITE_BINDING, else (undefined) npm's. */
export function driverBinding(nativeBinding?: string): string | undefined {
  return nativeBinding ?? (process.env[SQLITE_BINDING_ENV] || undefined);
}

/** A better-sqlite3 connection to `file`, with the driver binary chosen as described above. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  const nativeBinding = driverBinding(options.nativeBinding);
  const db = new Database(file, {
    ...(options.readonly ? { readonly: true } : {}),
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  // The search index triggers fold bodies with it (every connection that writes messages).
  registerSearchFunctions(db);
  return db;
}
