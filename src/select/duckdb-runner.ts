import type { DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import { S3Error } from '../s3/errors.js';
import { compileSelect } from './compile.js';
import { selectFailure } from './duckdb-errors.js';
import type { OutputColumn } from './query-shape.js';
import type { InputFormat } from './request.js';
import type { QuerySandbox } from './sandbox.js';
import { SELECT_LIMITS } from './select-limits.js';
import { buildSource } from './source.js';

/**
 * Runs one compiled query on its own sandboxed DuckDB instance (sandbox.ts),
 * on one connection, under a time cap (interrupt), streaming chunk by chunk.
 */

/**
 * A selective filter makes DuckDB's streamed chunks tiny (a 100 MB scan
 * keeping 1 % of its rows gave 1,649 chunks of ~12 rows), and every chunk
 * handed on costs a round of the event pipeline (keep-alive race, row
 * batching): chunks are merged up to this many rows…
 */
const MERGE_ROWS = 2048;
/** …or until this long has passed since the first, so rows never wait long. */
const MERGE_MS = 50;

/** One running query: its output columns and its rows, chunk by chunk (column-major, VARCHAR or NULL). */
export interface RunningQuery {
  columns: OutputColumn[];
  /** The next chunk's columns, or null at the end. Throws mapped S3Errors. */
  nextChunk(): Promise<(string | null)[][] | null>;
  /** Stops the query if it is still running and closes its connection (the sandbox is its owner's to dispose); idempotent. */
  close(): Promise<void>;
}

export interface QueryInput {
  expression: string;
  input: InputFormat;
  /** The query's instance; its input is already staged at `sandbox.inputPath`. */
  sandbox: QuerySandbox;
  empty: boolean;
  signal?: AbortSignal;
}

/**
 * Builds the source, compiles the expression against its shape and starts
 * the query. Compile and start-up failures throw (mapped) before any row.
 */
export async function startQuery(query: QueryInput): Promise<RunningQuery> {
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
  };
  query.signal?.addEventListener('abort', interrupt, { once: true });
  const fail = (err: unknown): S3Error => selectFailure(err, { input: query.input, timedOut: state.timedOut });
  try {
    if (query.signal?.aborted) throw new S3Error('RequestTimeout', { message: 'The client disconnected.' });
    connection = await query.sandbox.connect();
    const { source, shape } = await buildSource(connection, query.input, query.sandbox.inputPath, query.empty);
    const compiled = compileSelect(query.expression, shape, source);
    const result: DuckDBResult = await connection.stream(compiled.sql, compiled.params);
    let ended = false;
    return {
      columns: compiled.columns,
      close,
      async nextChunk() {
        if (closed || ended) return null;
        try {
          const began = Date.now();
          let merged: (string | null)[][] | undefined;
          let rows = 0;
          // `closed` is checked before every fetch: close() waits only for the fetch in flight when it was called.
          while (!closed && rows < MERGE_ROWS && Date.now() - began < MERGE_MS) {
            const fetching = result.fetchChunk();
            pending = fetching;
            const chunk = await fetching;
            if (!chunk || chunk.rowCount === 0) {
              ended = true;
              break;
            }
            const columns = chunk.getColumns() as (string | null)[][];
            if (!merged) merged = columns;
            else for (let c = 0; c < merged.length; c++) for (const value of columns[c]) merged[c].push(value);
            rows += chunk.rowCount;
          }
          return merged ?? null;
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
