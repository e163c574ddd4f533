/**
 * Moves WAL checkpoints off the event loop. A checkpoint copies committed
 * frames from the -wal file into the database file and fsyncs both; run by
 * SQLite's autocheckpoint it would happen inside a commit on the event loop,
 * stalling every request for two fsyncs. Instead each meta store asks this
 * shared worker thread, which holds its own connection per database, for a
 * PASSIVE checkpoint (it never blocks the writer) every so many writes. The
 * store keeps a large autocheckpoint as a safety net should the worker fall
 * behind or fail.
 *
 * The worker is started with the first database and exits after the last
 * one is released; it is unref'd so it never keeps the process alive.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Inline source: no separate worker file to build or resolve (tests run the TypeScript sources).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const connections = new Map();
parentPort.on('message', ({ dbPath, release, stop }) => {
  if (stop) {
    for (const db of connections.values()) { try { db.close(); } catch {} }
    parentPort.close();
    return;
  }
  let db = connections.get(dbPath);
  if (release) {
    connections.delete(dbPath);
    try { db?.close(); } catch {}
    return;
  }
  try {
    if (!db) {
      db = new Database(dbPath, { timeout: 1000 });
      db.pragma('synchronous = NORMAL');
      connections.set(dbPath, db);
    }
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ dbPath });
  } catch (err) {
    parentPort.postMessage({ dbPath, error: String((err && err.message) || err) });
  }
});
`;

let worker: Worker | undefined;
let users = 0;
const waiting = new Map<string, (error?: string) => void>();

function sharedWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3') } });
  started.unref();
  started.on('message', ({ dbPath, error }: { dbPath: string; error?: string }) => {
    const done = waiting.get(dbPath);
    waiting.delete(dbPath);
    done?.(error);
  });
  started.on('error', () => undefined);
  started.on('exit', () => {
    if (worker === started) worker = undefined;
    for (const done of waiting.values()) done('checkpoint worker exited');
    waiting.clear();
  });
  worker = started;
  return started;
}

/** Checkpoints one database in the shared worker; at most one request in flight per database. */
export class Checkpointer {
  private released = false;

  constructor(private readonly dbPath: string) {
    users++;
  }

  /** Asks for a checkpoint unless one is already running; `onDone` gets the error message if it failed. */
  request(onDone: (error?: string) => void = () => undefined): boolean {
    if (this.released || waiting.has(this.dbPath)) return false;
    waiting.set(this.dbPath, onDone);
    sharedWorker().postMessage({ dbPath: this.dbPath });
    return true;
  }

  /** Closes the worker's connection to this database; stops the worker after the last one. */
  release(): void {
    if (this.released) return;
    this.released = true;
    users--;
    if (!worker) return;
    worker.postMessage({ dbPath: this.dbPath, release: true });
    if (users === 0) {
      // The worker closes its connections and exits once it reaches this message.
      worker.postMessage({ stop: true });
      worker = undefined;
    }
  }
}
