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
 */
const WARMUP_CSV = 'name,age\nalice,31\nbob,25\n';

export class QuerySandbox {
  private disposed?: Promise<void>;

  private constructor(
    /** Where the query's input must be staged; the one file the instance can read. */
    readonly inputPath: string,
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly release: () => void,
  ) {}

  /** A new locked-down instance in a new directory; `release` runs once it is disposed. */
  static async create(release: () => void = () => undefined): Promise<QuerySandbox> {
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
        await setup.run('SET lock_configuration = true');
        await writeFile(warmupPath, WARMUP_CSV, { mode: 0o600 });
        const warmup = sqlString(warmupPath);
        await setup.run(`SELECT * FROM read_csv(${warmup}, header = false, all_varchar = true) LIMIT 1`);
        await unlink(warmupPath);
      } finally {
        setup.closeSync();
      }
      return new QuerySandbox(inputPath, dir, instance, release);
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
      try {
        this.instance.closeSync();
        await rm(this.dir, { recursive: true, force: true });
      } catch {
        // Nothing a caller could do; see above.
      } finally {
        this.release();
      }
    })();
    return this.disposed;
  }
}

/** Every sandbox handed out holds one of these slots until it is disposed. */
const gate = new QueryGate();
const leaveGate = (): void => gate.leave();

let spare: Promise<QuerySandbox> | undefined;

function prepareSpare(): void {
  spare = QuerySandbox.create(leaveGate);
  // A failed spare is replaced by a fresh instance when taken.
  spare.catch(() => undefined);
}

/**
 * A sandbox for the next query, once a slot is free (BusyResources when the
 * line is full): the warm spare, while the next spare is created behind it.
 */
export async function openSandbox(): Promise<QuerySandbox> {
  await gate.enter();
  try {
    const warm = spare;
    prepareSpare();
    return (await warm?.catch(() => undefined)) ?? (await QuerySandbox.create(leaveGate));
  } catch (err) {
    gate.leave();
    throw err;
  }
}
