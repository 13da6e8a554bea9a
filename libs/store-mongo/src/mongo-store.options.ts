import type { ConnectOptions } from 'mongoose';

/**
 * How the store uses multi-document transactions: `auto` uses them when the server supports them
 * (replica set or sharded cluster), `always` requires them, `never` relies on the crash-safe write
 * ordering alone.
 */
export type MongoTransactionMode = 'auto' | 'always' | 'never';

/** Configuration of the MongoDB store. */
export interface MongoStoreOptions {
  /** `mongodb://` or `mongodb+srv://` connection string. */
  uri: string;
  /** Database name; defaults to the one in the URI. */
  dbName?: string;
  /**
   * Let Mongoose create collections explicitly (the `create` command). Off by default: the index
   * creation at start creates every collection anyway, and some MongoDB-compatible engines lack `create`.
   */
  autoCreate?: boolean;
  /** Defaults to `auto`. */
  transactions?: MongoTransactionMode;
}

/** Name of the store's Mongoose connection, so it never collides with another module's default one. */
export const MONGO_STORE_CONNECTION = 'chatter-store';
/** DI token of the {@link MongoStoreOptions} given to `MongoStoreModule.forRoot`. */
export const MONGO_STORE_OPTIONS = Symbol('MONGO_STORE_OPTIONS');

/** Mongoose connection options derived from the store options. */
export function mongooseConnectOptions(options: Omit<MongoStoreOptions, 'uri'>): ConnectOptions {
  return {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    autoCreate: options.autoCreate ?? false,
    // Indexes are created explicitly (and awaited) at start, never lazily by Mongoose.
    autoIndex: false,
    serverSelectionTimeoutMS: 10_000,
  };
}
