import type { Database } from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { driverBinding } from './sqlite-driver';

/** SQLite's own threshold (pages), restored when checkpoints cannot run in the background. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export interface WalCheckpointerOptions {
  /** How often the background connection checkpoints the WAL (ms). */
  intervalMs: number;
  /** The driver binary given to the store, if any (else chosen as openDatabase does). */
  nativeBinding?: string;
  /** Told when checkpoints went back to the writing thread (the background thread failed). */
  onFallback?: (reason: string) => void;
}

/*
 * Runs in the worker: its own connection to the file, checkpointing without waiting for readers
 * or writers (PASSIVE). Plain JavaScript given as text, so it runs the same from the sources
 * (tests) and from the build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
let failures = 0;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (error) {
    if (++failures >= 10) throw error;
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try { db.close(); } finally { parentPort.close(); }
});
`;

/**
 * Moves WAL checkpoints off the thread that serves requests. SQLite normally checkpoints inside
 * the commit that crosses 1,000 WAL pages: that commit copies the pages into the database file
 * and syncs it, a pause of ~10 ms about once per hundred sends (more on a busy disk) that every
 * request and delivery queued behind it waits for. Here the writing connection never
 * checkpoints; a worker thread with its own connection does, every `intervalMs`, without
 * blocking the writer (readers and writers go on; the WAL restarts from its beginning at the
 * next write once a checkpoint has caught up). If the worker fails, the writing connection goes
 * back to SQLite's automatic checkpoints, so the WAL never grows without bound.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private stopping = false;
  private readonly exited: Promise<void>;

  constructor(
    private readonly db: Database,
    file: string,
    options: WalCheckpointerOptions,
  ) {
    const driver = createRequire(__filename).resolve('better-sqlite3');
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver,
        intervalMs: options.intervalMs,
        // The same binary as the writing connection (a build for this Node.js version).
        nativeBinding: driverBinding(options.nativeBinding),
      },
    });
    this.worker.unref();
    const fallback = (reason: string) => {
      if (this.stopping || !db.open) return;
      db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
      options.onFallback?.(reason);
    };
    this.worker.on('error', (error) => fallback(error.message));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        fallback(`checkpoint worker exited (${code})`);
        resolve();
      }),
    );
  }

  /** Stops the worker (its connection closes first, so the writer's close is the last one). */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    this.worker.postMessage('stop');
    const timeout = setTimeout(() => void this.worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timeout);
  }
}
