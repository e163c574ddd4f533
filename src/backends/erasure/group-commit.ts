/**
 * Group commit for one drive's metadata database.
 *
 * Writes queue; at the end of the event loop turn (setImmediate) everything
 * queued runs in ONE SQLite transaction, and the batch is then made durable
 * by ONE fdatasync of the -wal file, run on libuv's thread pool so the event
 * loop never waits for the disk. At most one sync is in flight: batches that
 * commit meanwhile wait for the next sync, which covers them all, so under
 * load the number of syncs per second stays near the disk's limit while the
 * number of writes per sync grows. A write's promise resolves only after a
 * sync that began after its transaction committed has succeeded; it rejects
 * when its transaction or that sync fails.
 *
 * Why this is durable: the connection runs journal_mode=WAL with
 * synchronous=NORMAL, so a commit appends the transaction's frames (and its
 * commit frame) to the -wal file through the OS page cache without syncing.
 * fdatasync on any descriptor of that file flushes every written page of it,
 * so after our sync the committed frames are on the disk and recovery at the
 * next open replays them. A checkpoint (by checkpointer.ts's connection,
 * or SQLite's autocheckpoint safety net inside a commit) syncs the WAL before copying frames into the database
 * file and syncs the database file before the WAL may be reused, so frames
 * that a checkpoint consumed before our sync ran are durable in the database
 * file; the WAL is restarted only after such a complete checkpoint, in place
 * (same inode, new salts, so old frames can never be replayed), so our
 * descriptor stays valid. The -wal file's directory entry is made durable
 * (fsync of .cairn.sys) when the descriptor is first opened.
 *
 * After a failed sync the state of the WAL on disk is unknown (the kernel
 * may have dropped the dirty pages): the store refuses further writes, and
 * the drive counts as failing until it is reopened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import { Checkpointer } from './checkpointer.js';

/** Durable writes between checkpoint requests: keeps the WAL to a few MiB. */
const CHECKPOINT_EVERY = 500;

interface Pending {
  run: () => unknown;
  result?: unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  private queued: Pending[] = [];
  /** Committed, waiting for the next sync. */
  private committed: Pending[] = [];
  private flushScheduled = false;
  private syncing = false;
  private walFd: number | undefined;
  /** The -wal file's inode when opened: checked after each sync (checkWalStillInPlace). */
  private walIdentity: { ino: number; dev: number } | undefined;
  private broken: Error | undefined;
  private closed = false;
  /** Transactions and WAL syncs done so far (for metrics, and tests of the batching). */
  readonly stats = { transactions: 0, syncs: 0, writes: 0, checkpoints: 0, checkpointErrors: 0 };

  private writesSinceCheckpoint = 0;
  private readonly checkpointer: Checkpointer;

  constructor(
    private readonly db: Database.Database,
    private readonly dbPath: string,
  ) {
    this.checkpointer = new Checkpointer(dbPath);
  }

  /** Set once a batch could not be made durable: every later write (and, in the store, read) fails. */
  get failure(): Error | undefined {
    return this.broken;
  }

  /** Runs `write` (synchronous SQLite statements) in the next batch; resolves with its result once durable. */
  enqueue<T>(write: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`metadata store ${this.dbPath} is closed`));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued and syncs it synchronously, then stops (shutdown). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.committed.length > 0) {
      const batch = this.takeCommitted();
      try {
        fs.fdatasyncSync(this.openWal());
        this.stats.syncs++;
        settle(batch);
      } catch (err) {
        settle(batch, err);
      }
    }
    if (!this.syncing) this.closeWal();
    this.checkpointer.release();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    if (this.broken) return settle(batch, this.broken);
    try {
      this.db.transaction(() => {
        for (const pending of batch) pending.result = pending.run();
      })();
    } catch (err) {
      return settle(batch, err);
    }
    this.stats.transactions++;
    this.stats.writes += batch.length;
    this.committed.push(...batch);
    this.startSync();
  }

  private startSync(): void {
    if (this.syncing || this.closed || this.committed.length === 0) return;
    let fd: number;
    try {
      fd = this.openWal();
    } catch (err) {
      return settle(this.takeCommitted(), err);
    }
    const batch = this.takeCommitted();
    this.syncing = true;
    this.stats.syncs++;
    fs.fdatasync(fd, (syncError) => {
      const finish = (err: Error | null) => {
        this.syncing = false;
        if (err) {
          this.broken ??= new Error(`metadata sync failed on ${this.dbPath}: ${err.message}`, { cause: err });
          settle(batch, this.broken);
        } else {
          settle(batch);
          this.maybeCheckpoint(batch.length);
        }
        if (this.closed) this.closeWal();
        else this.startSync();
      };
      if (syncError) return finish(syncError);
      // Closing checkpoints the WAL into the database and deletes it: nothing to check then.
      if (this.closed) return finish(null);
      finish(this.walStillInPlace());
    });
  }

  /**
   * A drive folder removed (or swapped) under a running server leaves SQLite
   * writing to an unlinked file: the sync succeeds, yet nothing would be found
   * at the next start. So a batch counts as durable only if the -wal file we
   * synced is still the one at its path: one stat per sync. Synchronous: a
   * stat of a path the kernel has cached costs microseconds, while a trip
   * through libuv's thread pool cost ~3 % of a small PUT's CPU (profile); a
   * drive slow enough to stall it would stall this connection's SQLite
   * writes, which run on the event loop too.
   */
  private walStillInPlace(): Error | null {
    let stats: fs.Stats;
    try {
      stats = fs.statSync(`${this.dbPath}-wal`);
    } catch (err) {
      return new Error(`the drive's metadata file is gone (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (stats.ino !== this.walIdentity?.ino || stats.dev !== this.walIdentity?.dev) return new Error("the drive's metadata file was replaced");
    return null;
  }

  /** Every CHECKPOINT_EVERY durable writes, a checkpoint off the event loop (checkpointer.ts). */
  private maybeCheckpoint(writes: number): void {
    this.writesSinceCheckpoint += writes;
    if (this.writesSinceCheckpoint < CHECKPOINT_EVERY) return;
    if (this.checkpointer.request((error) => (error ? this.stats.checkpointErrors++ : this.stats.checkpoints++))) this.writesSinceCheckpoint = 0;
  }

  private takeCommitted(): Pending[] {
    const batch = this.committed;
    this.committed = [];
    return batch;
  }

  /** The -wal file's descriptor; on first open, its data and directory entry are made durable. */
  private openWal(): number {
    if (this.walFd !== undefined) return this.walFd;
    const fd = fs.openSync(`${this.dbPath}-wal`, 'r+');
    try {
      const { ino, dev } = fs.fstatSync(fd);
      this.walIdentity = { ino, dev };
      fs.fdatasyncSync(fd);
      syncDirectory(path.dirname(this.dbPath));
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.walFd = fd;
    return fd;
  }

  private closeWal(): void {
    if (this.walFd === undefined) return;
    fs.closeSync(this.walFd);
    this.walFd = undefined;
  }
}

function settle(batch: Pending[], err?: unknown): void {
  for (const pending of batch) {
    if (err === undefined) pending.resolve(pending.result);
    else pending.reject(err);
  }
}

export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
