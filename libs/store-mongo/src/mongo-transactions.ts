import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ClientSession, Connection } from 'mongoose';
import {
  MONGO_STORE_CONNECTION,
  MONGO_STORE_OPTIONS,
  MongoStoreOptions,
  MongoTransactionMode,
} from './mongo-store.options';
import { DURABLE_WRITE_CONCERN } from './mongo-write';

/**
 * Runs multi-step writes in a transaction where the server supports one (replica set or mongos),
 * and directly otherwise. Every multi-step write in this store is ordered so that it stays correct
 * without a transaction (see `conversation-log.ts`); a transaction only adds isolation.
 */
@Injectable()
export class MongoTransactions {
  private support: Promise<boolean> | null = null;

  constructor(
    @InjectConnection(MONGO_STORE_CONNECTION) private readonly connection: Connection,
    @Inject(MONGO_STORE_OPTIONS) private readonly options: Pick<MongoStoreOptions, 'transactions'>,
  ) {}

  private get mode(): MongoTransactionMode {
    return this.options.transactions ?? 'auto';
  }

  /** Whether writes run in transactions (detected once from the server's `hello`). */
  enabled(): Promise<boolean> {
    if (!this.support) {
      const detection = this.detect();
      this.support = detection;
      // A failed detection (server unreachable) is retried by the next write, not remembered.
      detection.catch(() => {
        if (this.support === detection) this.support = null;
      });
    }
    return this.support;
  }

  private async detect(): Promise<boolean> {
    switch (this.mode) {
      case 'always':
        return true;
      case 'never':
        return false;
      case 'auto': {
        const hello = await this.connection.getClient().db('admin').command({ hello: 1 });
        // Transactions need a replica set member (setName) or a mongos router (msg 'isdbgrid').
        return typeof hello['setName'] === 'string' || hello['msg'] === 'isdbgrid';
      }
    }
  }

  /**
   * Runs `work` in a transaction (retried as a whole on transient errors, so it must only read and
   * write through the session it gets) or, without transaction support, once with no session.
   */
  async run<T>(work: (session: ClientSession | undefined) => Promise<T>): Promise<T> {
    if (!(await this.enabled())) return work(undefined);
    const session = await this.connection.startSession();
    try {
      let result: T | undefined;
      await session.withTransaction(
        async () => {
          result = await work(session);
        },
        {
          readConcern: { level: 'snapshot' },
          writeConcern: DURABLE_WRITE_CONCERN,
          readPreference: 'primary',
        },
      );
      return result as T;
    } finally {
      await session.endSession();
    }
  }
}
