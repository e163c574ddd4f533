import { S3Error } from '../../s3/errors.js';
import type { SqlParam } from '../query-shape.js';
import { MAX_GENERATED_SQL_CHARS } from './limits.js';

/**
 * The only ways text enters generated SQL. Identifiers are always
 * double-quoted with embedded quotes doubled; string constants DuckDB needs
 * at plan time (JSON paths) are single-quoted with quotes doubled; every other
 * user value is a `$n` parameter.
 */

export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new S3Error('LexerInvalidChar');
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string constant. DuckDB's standard strings know no backslash escapes, so doubling quotes is the whole job. */
export function quoteString(value: string): string {
  if (value.includes('\0')) throw new S3Error('LexerInvalidChar');
  return `'${value.replaceAll("'", "''")}'`;
}

/** Collects `$n` parameters and guards the size of what is generated. */
export class ParamList {
  readonly values: SqlParam[] = [];

  /** A string parameter, typed so DuckDB never has to guess. */
  text(value: string): string {
    this.values.push(value);
    return `CAST($${this.values.length} AS VARCHAR)`;
  }
}

/** Refuses generated SQL past MAX_GENERATED_SQL_CHARS (nested operand repetition could otherwise grow it without bound). */
export function capped(sql: string): string {
  if (sql.length > MAX_GENERATED_SQL_CHARS) {
    throw new S3Error('ExpressionTooLong', { message: 'The SQL expression expands beyond what one query may run.' });
  }
  return sql;
}
