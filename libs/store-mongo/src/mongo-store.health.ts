import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { MONGO_STORE_CONNECTION } from './mongo-store.options';

const PING_TIMEOUT_MS = 2_000;

/** Readiness of the MongoDB store, for `/readyz`. */
@Injectable()
export class MongoStoreHealth {
  constructor(@InjectConnection(MONGO_STORE_CONNECTION) private readonly connection: Connection) {}

  /** True when the connection is open and the server answers a ping in time; never throws. */
  async isReady(): Promise<boolean> {
    if (this.connection.readyState !== 1) return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const ping = this.connection.getClient().db('admin').command({ ping: 1 });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
      });
      const reply = await Promise.race([ping, timeout]);
      return reply['ok'] === 1;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
