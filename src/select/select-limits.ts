import { availableParallelism } from 'node:os';

/** What one S3 Select query may use, and how many run at once. */
export const SELECT_LIMITS = {
  /** Each query has its own DuckDB instance; this caps that instance. */
  memoryLimit: '256MB',
  threads: Math.max(1, Math.min(4, availableParallelism())),
  /** Queries staging or running at once; more wait in line. */
  concurrentQueries: 4,
  /** Queries waiting for a slot before new ones are refused with BusyResources. */
  queuedQueries: 64,
  /** Longest a query may run before it is interrupted. */
  queryTimeoutMs: 10 * 60 * 1000,
};
