import { randomUUID } from 'node:crypto';
import { mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { QueryGate } from './query-gate.js';
import { SELECT_LIMITS } from './select-limits.js';
import { sqlString } from './source.js';
import { stagingDirectory } from './staging.js';

/**
 * One query's DuckDB: a fresh in-memory instance that may read the query's
 * own staged input and nothing else (no other query's input beside it). It
 * lives in its own directory under the staging directory, and only files in
 * that directory are ever allowed:
 *
 *   <staging>/<uuid>/input   the object, staged before the query runs
 *   <staging>/<uuid>/spill   DuckDB's temp directory (DuckDB always lets an
 *                            instance reach its own; no other query's)
 *   <staging>/<uuid>/warmup  a constant CSV read once while the instance is a
 *                            spare, then deleted: an instance's first CSV
 *                            sniff costs ~10 ms more than later ones
 *
 * Before any query: external access off except `allowed_paths = [input]`,
 * extension autoloading and autoinstalling off, memory and threads capped,
 * configuration locked, so no statement can undo any of it. Creating an
 * instance takes tens of milliseconds, so one spare is kept ready for the
 * next query (`openSandbox`).
 *
 * An instance whose query ended cleanly is recycled (`recycle`): its input
 * and spill files are deleted and it waits, idle, for the next query, which
 * stages its own input at the same path. A fresh instance's first large scan
 * ran ~2× slower here than the same scan on a used one (100 MB aggregate:
 * ~430 vs ~200 ms; its allocator touches fresh memory), and that was most
 * of the gap to DuckDB direct. Nothing of a query outlives it in the
 * instance: queries are single SELECTs over read_* of the input (no tables,
 * no settings: the configuration is locked), and the file caches that could
 * serve an earlier input's bytes by path are off. A query that failed, was
 * stopped or timed out disposes of its instance instead. At most MAX_IDLE
 * instances wait, each for at most IDLE_MS.
 */
const WARMUP_CSV = 'name,age\nalice,31\nbob,25\n';
/** Recycled instances kept waiting for a query (each holds its allocator's memory). */
const MAX_IDLE = 1;
/** An idle instance is closed after this long unused. */
const IDLE_MS = 60_000;

export class QuerySandbox {
  private disposed?: Promise<void>;
  /** Gives back the query slot (QueryGate) of the query that holds this sandbox. */
  private releaseSlot: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Whether the last recycle removed the previous query's files. */
  private cleaned: Promise<boolean> = Promise.resolve(true);

  private constructor(
    /** Where the query's input must be staged; the one file the instance can read. */
    readonly inputPath: string,
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
  ) {}

  /** A new locked-down instance in a new directory. */
  static async create(): Promise<QuerySandbox> {
    const dir = join(stagingDirectory(), randomUUID());
    await mkdir(dir, { mode: 0o700 });
    const inputPath = join(dir, 'input');
    const warmupPath = join(dir, 'warmup');
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(':memory:', {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        memory_limit: SELECT_LIMITS.memoryLimit,
        threads: String(SELECT_LIMITS.threads),
        temp_directory: join(dir, 'spill'),
      });
      // List-valued settings cannot be given at creation; they are set, then locked, before anyone else connects.
      const setup = await instance.connect();
      try {
        await setup.run(`SET allowed_paths = [${sqlString(inputPath)}, ${sqlString(warmupPath)}]`);
        await setup.run('SET enable_external_access = false');
        // Caches keyed by path would serve a recycled instance's earlier input (see above).
        await setup.run('SET enable_external_file_cache = false');
        await setup.run('SET enable_object_cache = false');
        await setup.run('SET parquet_metadata_cache = false');
        await setup.run('SET lock_configuration = true');
        await writeFile(warmupPath, WARMUP_CSV, { mode: 0o600 });
        const warmup = sqlString(warmupPath);
        await setup.run(`SELECT * FROM read_csv(${warmup}, header = false, all_varchar = true) LIMIT 1`);
        await unlink(warmupPath);
      } finally {
        setup.closeSync();
      }
      return new QuerySandbox(inputPath, dir, instance);
    } catch (err) {
      instance?.closeSync();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /**
   * Closes the instance (after its connections) and removes its directory,
   * input and spill files; idempotent, and never rejects: a file left behind
   * goes with the staging directory at exit.
   */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      clearTimeout(this.idleTimer);
      idle.delete(this);
      try {
        this.instance.closeSync();
        await rm(this.dir, { recursive: true, force: true });
      } catch {
        // Nothing a caller could do; see above.
      } finally {
        this.leaveSlot();
      }
    })();
    return this.disposed;
  }

  /**
   * After a query that ended cleanly (its connections closed): deletes its
   * input and spill files and keeps the instance for the next query, or
   * disposes of it when enough wait already or a file cannot be deleted.
   */
  recycle(): Promise<void> {
    if (this.disposed) return this.disposed;
    if (idle.size >= MAX_IDLE) return this.dispose();
    this.leaveSlot();
    // Idle at once, so a query that follows right away waits for the clean-up rather than taking a cold spare.
    idle.add(this);
    this.cleaned = (async () => {
      await rm(this.inputPath, { force: true });
      // Emptied, not removed: DuckDB creates its temp directory once and fails to spill without it.
      const spill = join(this.dir, 'spill');
      await rm(spill, { recursive: true, force: true });
      await mkdir(spill, { mode: 0o700 });
    })().then(
      () => true,
      () => false,
    );
    this.idleTimer = setTimeout(() => void this.dispose(), IDLE_MS);
    this.idleTimer.unref();
    return this.cleaned.then(() => undefined);
  }

  /**
   * Takes this idle sandbox out of the idle set; whether its clean-up
   * succeeded (if not, it is disposed and must not be used).
   */
  async claim(): Promise<boolean> {
    clearTimeout(this.idleTimer);
    idle.delete(this);
    if (await this.cleaned) return true;
    void this.dispose();
    return false;
  }

  /** Hands the sandbox to a query holding a slot; `releaseSlot` runs when it is disposed or recycled. */
  lend(releaseSlot: () => void): this {
    this.releaseSlot = releaseSlot;
    return this;
  }

  private leaveSlot(): void {
    const release = this.releaseSlot;
    this.releaseSlot = undefined;
    release?.();
  }
}

/** Recycled instances, waiting for a query. */
const idle = new Set<QuerySandbox>();

/** Every sandbox handed out holds one of these slots until it is disposed. */
const gate = new QueryGate();
const leaveGate = (): void => gate.leave();

let spare: Promise<QuerySandbox> | undefined;

function prepareSpare(): void {
  spare = QuerySandbox.create();
  // A failed spare is replaced by a fresh instance when taken.
  spare.catch(() => undefined);
}

/**
 * A sandbox for the next query, once a slot is free (BusyResources when the
 * line is full): a recycled instance when one waits, else the spare, while
 * the next spare is created behind it.
 */
export async function openSandbox(): Promise<QuerySandbox> {
  await gate.enter();
  try {
    const [used] = idle;
    if (used && (await used.claim())) return used.lend(leaveGate);
    const warm = spare;
    prepareSpare();
    return ((await warm?.catch(() => undefined)) ?? (await QuerySandbox.create())).lend(leaveGate);
  } catch (err) {
    gate.leave();
    throw err;
  }
}
