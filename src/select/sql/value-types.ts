import { S3Error } from '../../s3/errors.js';
import type { ColumnEncoding } from '../query-shape.js';
import { capped } from './sql-text.js';

/**
 * What the generator knows statically about a value. S3 Select is dynamically
 * typed; DuckDB is not, so values that are only known at run time stay in one
 * of two dynamic forms and are converted where an operator needs a type:
 * - 'text': a CSV field (VARCHAR) – a string that compares as a number when
 *   the other side is a number, as MinIO does;
 * - 'json': a JSON value (DuckDB JSON), SQL NULL when MISSING.
 */
export type ValueType = 'text' | 'json' | 'string' | 'int' | 'float' | 'decimal' | 'bool' | 'timestamp' | 'null';

export interface Typed {
  sql: string;
  type: ValueType;
}

export function typed(sql: string, type: ValueType): Typed {
  return { sql: capped(sql), type };
}

export const isNumeric = (t: ValueType): boolean => t === 'int' || t === 'float' || t === 'decimal';
export const isDynamic = (t: ValueType): boolean => t === 'text' || t === 'json';

/** A JSON value's scalar text: strings unquoted, numbers and booleans as written, JSON null as SQL NULL. */
function jsonScalarText(sql: string): string {
  return `json_extract_string(${sql}, '$')`;
}

/** As a string (VARCHAR), the way AWS prints the value. */
export function asText(v: Typed): Typed {
  switch (v.type) {
    case 'text':
    case 'string':
      return v;
    case 'json':
      return typed(jsonScalarText(v.sql), 'string');
    case 'null':
      return typed('CAST(NULL AS VARCHAR)', 'string');
    default:
      return typed(renderScalar(v), 'string');
  }
}

/**
 * As a number. Strings convert strictly: a field that is not a number fails
 * the query with DuckDB's conversion error, which the runtime reports as
 * CastFailed (MinIO fails such a comparison too).
 */
export function asNumber(v: Typed): Typed {
  switch (v.type) {
    case 'int':
    case 'float':
    case 'decimal':
      return v;
    case 'text':
    case 'string':
      return typed(`CAST(${v.sql} AS DOUBLE)`, 'float');
    case 'json':
      return typed(`CAST(${jsonScalarText(v.sql)} AS DOUBLE)`, 'float');
    case 'null':
      return typed('CAST(NULL AS DOUBLE)', 'float');
    case 'bool':
    case 'timestamp':
      throw new S3Error('IncorrectSqlFunctionArgumentType', { message: `A ${v.type} value cannot be used as a number.` });
  }
}

/** As an integer (BIGINT), truncating fractions as CAST(x AS INT) does in S3 Select. */
export function asInteger(v: Typed): Typed {
  if (v.type === 'int') return v;
  if (v.type === 'bool') return typed(`CAST(${v.sql} AS BIGINT)`, 'int');
  if (v.type === 'text' || v.type === 'string' || v.type === 'json') {
    const text = asText(v).sql;
    // Exact for integer text of any size BIGINT holds; other numeric text goes through DOUBLE and is truncated.
    return typed(
      `(CASE WHEN regexp_full_match(${text}, '\\s*[+-]?\\d+\\s*') THEN CAST(${text} AS BIGINT) ` +
        `ELSE CAST(trunc(CAST(${text} AS DOUBLE)) AS BIGINT) END)`,
      'int',
    );
  }
  return typed(`CAST(trunc(${asNumber(v).sql}) AS BIGINT)`, 'int');
}

export function asBool(v: Typed): Typed {
  switch (v.type) {
    case 'bool':
      return v;
    case 'null':
      return typed('CAST(NULL AS BOOLEAN)', 'bool');
    case 'timestamp':
      throw new S3Error('IncorrectSqlFunctionArgumentType', { message: 'A timestamp cannot be used as a boolean.' });
    default:
      return typed(`CAST(${asText(v).sql} AS BOOLEAN)`, 'bool');
  }
}

/**
 * S3 Select's timestamp literals (`2007T`, `2007-02T`, `2007-02-23T`,
 * `2007-02-23T12:14Z`, `…:33.079-08:00`) normalised into forms DuckDB's
 * TIMESTAMPTZ cast reads. Values are UTC instants; the session time zone is UTC.
 */
export function parseTimestamp(text: string): string {
  let s = text;
  s = `regexp_replace(${s}, '^(\\d{4})T$', '\\1-01-01')`;
  s = `regexp_replace(${s}, '^(\\d{4}-\\d{2})T$', '\\1-01')`;
  s = `regexp_replace(${s}, '^(\\d{4}-\\d{2}-\\d{2})T$', '\\1')`;
  s = `regexp_replace(${s}, '^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2})(Z|[+-]\\d{2}:\\d{2})?$', '\\1:00\\2')`;
  return `CAST(${s} AS TIMESTAMPTZ)`;
}

export function asTimestamp(v: Typed): Typed {
  switch (v.type) {
    case 'timestamp':
      return v;
    case 'null':
      return typed('CAST(NULL AS TIMESTAMPTZ)', 'timestamp');
    case 'text':
    case 'string':
    case 'json':
      return typed(parseTimestamp(asText(v).sql), 'timestamp');
    default:
      throw new S3Error('IncorrectSqlFunctionArgumentType', { message: `A ${v.type} value cannot be used as a timestamp.` });
  }
}

/**
 * A non-string scalar as AWS prints it: integers without ".0", floats in
 * shortest round-trip form, booleans true/false, timestamps ISO-8601 in UTC
 * (milliseconds only when present).
 */
function renderScalar(v: Typed): string {
  switch (v.type) {
    case 'float':
      return `regexp_replace(CAST(${v.sql} AS VARCHAR), '\\.0$', '')`;
    case 'timestamp':
      return `(regexp_replace(strftime(CAST(${v.sql} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g'), '\\.000$', '') || 'Z')`;
    default:
      return `CAST(${v.sql} AS VARCHAR)`;
  }
}

/** A result column: VARCHAR, NULL for MISSING, and how the output writer must treat it. */
export function outputValue(v: Typed): { sql: string; encoding: ColumnEncoding } {
  switch (v.type) {
    case 'json':
      return { sql: `CAST(${v.sql} AS VARCHAR)`, encoding: 'json' };
    case 'text':
    case 'string':
      return { sql: v.sql, encoding: 'text' };
    case 'timestamp':
      return { sql: capped(renderScalar(v)), encoding: 'text' };
    case 'null':
      return { sql: 'CAST(NULL AS VARCHAR)', encoding: 'json' };
    default:
      return { sql: capped(renderScalar(v)), encoding: 'json' };
  }
}
