import type { ClientSession } from 'mongoose';

/**
 * Writes that acknowledge user data wait for a majority of the replica set and the journal, so an
 * acknowledged write survives a failover or a crash.
 */
export const DURABLE_WRITE_CONCERN = { w: 'majority', j: true } as const;

/**
 * Options for a write: inside a transaction only the session (the transaction carries the write
 * concern; setting one per operation is an error there), otherwise the durable write concern.
 */
export function writeOptions(session: ClientSession | undefined): {
  session?: ClientSession;
  writeConcern?: { w: 'majority'; j: true };
} {
  return session ? { session } : { writeConcern: DURABLE_WRITE_CONCERN };
}

/** Options for a read: joins the transaction when there is one. */
export function readOptions(session: ClientSession | undefined): { session?: ClientSession } {
  return session ? { session } : {};
}
