import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBResult } from '@duckdb/node-api';
import { S3Error } from '../s3/errors.js';
import { compileSelect } from './compile.js';
import { selectFailure } from './duckdb-errors.js';
import type { OutputColumn } from './query-shape.js';
import type { InputFormat } from './request.js';
import { buildSource, sqlString } from './source.js';
import { stagingDirectory } from './staging.js';

/**
 * The process's one DuckDB instance for S3 Select, created lazily and locked
 * down before any query runs:
 * - external access off, except the server's staging directory (the staged
 *   inputs, named by random UUIDs, and DuckDB's own spill files);
 * - extension autoloading and autoinstalling off;
 * - memory and threads capped; spilling only into the staging directory;
 * - configuration locked, so no statement can undo any of it.
 * Each query runs on its own connection, under a time cap (interrupt), and
 * only a few run at once.
 */

export const SELECT_LIMITS = {
  memoryLimit: '1GB',
  threads: Math.max(1, Math.min(4, availableParallelism())),
  /** Queries running at once; more wait in line. */
  concurrentQueries: 4,
  /** Queries waiting for a slot before new ones are refused with BusyResources. */
  queuedQueries: 64,
  /** Longest a query may run before it is interrupted. */
  queryTimeoutMs: 10 * 60 * 1000,
};

let instance: Promise<DuckDBInstance> | undefined;

async function createInstance(): Promise<DuckDBInstance> {
  const root = stagingDirectory();
  const spill = join(root, 'spill');
  mkdirSync(spill, { recursive: true, mode: 0o700 });
  const db = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    memory_limit: SELECT_LIMITS.memoryLimit,
    threads: String(SELECT_LIMITS.threads),
  });
  const setup = await db.connect();
  try {
    await setup.run(`SET temp_directory = ${sqlString(spill)}`);
    await setup.run(`SET allowed_directories = [${sqlString(`${root}/`)}]`);
    await setup.run('SET enable_external_access = false');
    await setup.run('SET lock_configuration = true');
  } finally {
    setup.closeSync();
  }
  return db;
}

function duckdb(): Promise<DuckDBInstance> {
  instance ??= createInstance().catch((err: unknown) => {
    instance = undefined;
    throw err;
  });
  return instance;
}

/** A counting gate: a few queries at a time, a bounded line behind them. */
class QueryGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  async enter(): Promise<void> {
    if (this.running < SELECT_LIMITS.concurrentQueries) {
      this.running++;
      return;
    }
    if (this.waiting.length >= SELECT_LIMITS.queuedQueries) throw new S3Error('BusyResources');
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

const gate = new QueryGate();

/** A fresh connection to the locked-down instance (the sandbox's tests use it directly). */
export async function sandboxedConnection(): Promise<DuckDBConnection> {
  return (await duckdb()).connect();
}

/** One running query: its output columns and its rows, chunk by chunk (column-major, VARCHAR or NULL). */
export interface RunningQuery {
  columns: OutputColumn[];
  /** The next chunk's columns, or null at the end. Throws mapped S3Errors. */
  nextChunk(): Promise<(string | null)[][] | null>;
  /** Stops the query if it is still running and frees its connection; idempotent. */
  close(): Promise<void>;
}

export interface QueryInput {
  expression: string;
  input: InputFormat;
  path: string;
  empty: boolean;
  signal?: AbortSignal;
}

/**
 * Builds the source, compiles the expression against its shape and starts
 * the query. Compile and start-up failures throw (mapped) before any row.
 */
export async function startQuery(query: QueryInput): Promise<RunningQuery> {
  await duckdb();
  await gate.enter();
  let connection: DuckDBConnection | undefined;
  let closed = false;
  const state = { timedOut: false };
  const interrupt = (): void => connection?.interrupt();
  const timer = setTimeout(() => {
    state.timedOut = true;
    interrupt();
  }, SELECT_LIMITS.queryTimeoutMs);
  // A fetch still in flight when the query is closed is interrupted and
  // awaited before the connection is freed underneath it.
  let pending: Promise<unknown> | undefined;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    query.signal?.removeEventListener('abort', interrupt);
    if (connection) {
      connection.interrupt();
      await pending?.catch(() => undefined);
      connection.closeSync();
    }
    gate.leave();
  };
  query.signal?.addEventListener('abort', interrupt, { once: true });
  const fail = (err: unknown): S3Error => selectFailure(err, { input: query.input, timedOut: state.timedOut });
  try {
    if (query.signal?.aborted) throw new S3Error('RequestTimeout', { message: 'The client disconnected.' });
    connection = await sandboxedConnection();
    const { source, shape } = await buildSource(connection, query.input, query.path, query.empty);
    const compiled = compileSelect(query.expression, shape, source);
    const result: DuckDBResult = await connection.stream(compiled.sql, compiled.params);
    return {
      columns: compiled.columns,
      close,
      async nextChunk() {
        if (closed) return null;
        try {
          const fetching = result.fetchChunk();
          pending = fetching;
          const chunk = await fetching;
          if (!chunk || chunk.rowCount === 0) return null;
          return chunk.getColumns() as (string | null)[][];
        } catch (err) {
          throw fail(err);
        }
      },
    };
  } catch (err) {
    await close();
    throw fail(err);
  }
}
