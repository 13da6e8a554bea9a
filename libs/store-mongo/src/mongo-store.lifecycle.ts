import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { repairContactsByConsent } from './mongo-contacts-repair';
import { backfillSearchTokens } from './mongo-search-backfill';
import { ensureIndexes } from './mongo-models';
import { MONGO_STORE_CONNECTION } from './mongo-store.options';

/**
 * Creates the store's indexes (and runs one-time data repairs) before the app serves, and closes
 * the connection on shutdown.
 */
@Injectable()
export class MongoStoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@InjectConnection(MONGO_STORE_CONNECTION) private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.connection);
    await repairContactsByConsent(this.connection);
    await backfillSearchTokens(this.connection);
  }

  async onApplicationShutdown(): Promise<void> {
    // Idempotent: closing an already closed connection does nothing.
    await this.connection.close();
  }
}
