import { isS3Error, S3Error, type S3ErrorCode } from '../s3/errors.js';
import type { InputFormat } from './request.js';
import { BUILT_STRING_TOO_LONG } from './sql/limits.js';

/**
 * Turns a DuckDB failure into an S3 Select error. The DuckDB message is
 * never shown to the client (it names server paths and internals); only the
 * code's own message is, and the original stays as the cause for the log.
 */

const RULES: [RegExp, S3ErrorCode | ((input: InputFormat) => S3ErrorCode)][] = [
  // First: the generated SQL's own error (sql/concatenation.ts), whatever else DuckDB wraps around it.
  [new RegExp(BUILT_STRING_TOO_LONG), 'OverMaxRecordSize'],
  [/maximum_object_size|Maximum line size|line size of|exceeds the maximum/i, 'OverMaxRecordSize'],
  [/^Conversion Error|Could not convert|Could not cast/i, 'CastFailed'],
  [/overflow/i, 'IntegerOverflow'],
  [/strptime|format specifier|timestamp/i, 'ValueParseFailure'],
  [/Malformed JSON|JSON/i, 'JSONParsingError'],
  [/parquet|magic bytes/i, 'ParquetParsingError'],
  [/CSV|sniff|quote|delimiter/i, 'CSVParsingError'],
  [/^Invalid Input Error/i, (input) => (input.format === 'CSV' ? 'CSVParsingError' : input.format === 'JSON' ? 'JSONParsingError' : 'ParquetParsingError')],
];

export interface FailureContext {
  input: InputFormat;
  /** The per-query time cap fired. */
  timedOut: boolean;
}

export function selectFailure(err: unknown, context: FailureContext): S3Error {
  if (isS3Error(err)) return err;
  if (context.timedOut) return new S3Error('InternalError', { message: 'The query took longer than the server allows.', cause: err });
  const message = err instanceof Error ? err.message : String(err);
  if (/^Out of Memory Error/i.test(message)) return new S3Error('InternalError', { message: 'The query needed more memory than the server allows.', cause: err });
  for (const [pattern, code] of RULES) {
    if (pattern.test(message)) return new S3Error(typeof code === 'function' ? code(context.input) : code, { cause: err });
  }
  return new S3Error('InternalError', { cause: err });
}
