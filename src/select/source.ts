import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceShape } from './query-shape.js';
import type { CsvInput, InputFormat } from './request.js';

/**
 * Builds the `source` table expression over a staged file, server-side and
 * from the request's typed settings only: the path is the server's own, and
 * every setting is written as an escaped SQL string literal.
 */

/** AWS's limit on one input record (maxCharsPerRecord). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Largest single JSON value in a DOCUMENT object. */
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * DuckDB reads an empty unquoted CSV field as NULL by default; S3 Select reads
 * it as an empty string. This null string can never match a field in
 * practice, so only padding (a row with fewer fields) produces NULL = MISSING.
 */
const NO_NULL_STRING = '\u0001cairn:no-null\u0001';

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** DuckDB takes LF, CRLF and CR itself; staging rewrites any other record delimiter to LF. */
export function duckdbNewLine(recordDelimiter: string): string | undefined {
  if (recordDelimiter === '\r\n' || recordDelimiter === '\r') return recordDelimiter;
  return undefined;
}

function csvDialect(input: CsvInput): string {
  const options = [
    `delim = ${sqlString(input.fieldDelimiter)}`,
    `quote = ${sqlString(input.quoteCharacter)}`,
    `escape = ${sqlString(input.quoteEscapeCharacter)}`,
    `null_padding = true`,
    `strict_mode = false`,
    `allow_quoted_nulls = false`,
    `nullstr = ${sqlString(NO_NULL_STRING)}`,
    `max_line_size = ${MAX_RECORD_BYTES}`,
  ];
  const newLine = duckdbNewLine(input.recordDelimiter);
  if (newLine) options.push(`new_line = ${sqlString(newLine)}`);
  if (input.comments !== '') options.push(`comment = ${sqlString(input.comments)}`);
  return options.join(', ');
}

const columnNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `_${i + 1}`);

/** A relation with the right columns and no rows, for an empty object. */
function emptySource(input: InputFormat): { source: string; shape: SourceShape } {
  if (input.format === 'JSON') return { source: `(SELECT NULL::JSON AS "_doc" WHERE false)`, shape: { format: 'JSON' } };
  if (input.format === 'Parquet') return { source: `(SELECT NULL AS "_1" WHERE false)`, shape: { format: 'Parquet', columns: [] } };
  return { source: `(SELECT NULL::VARCHAR AS "_1" WHERE false)`, shape: { format: 'CSV', columnCount: 1, headerNames: input.fileHeaderInfo === 'USE' ? [] : undefined } };
}

async function csvSource(connection: DuckDBConnection, input: CsvInput, path: string): Promise<{ source: string; shape: SourceShape }> {
  // The first record (header or data) gives the column count and the header names.
  const probe = await connection.runAndReadAll(`SELECT * FROM read_csv(${sqlString(path)}, header = false, all_varchar = true, ${csvDialect(input)}) LIMIT 1`);
  const first = probe.getRows()[0];
  if (!first) return emptySource(input);
  const names = columnNames(probe.columnCount);
  const columns = names.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ');
  const hasHeaderLine = input.fileHeaderInfo !== 'NONE';
  const source = `read_csv(${sqlString(path)}, header = ${hasHeaderLine}, auto_detect = false, columns = {${columns}}, ${csvDialect(input)})`;
  const headerNames = input.fileHeaderInfo === 'USE' ? first.map((v) => (v === null ? '' : String(v))) : undefined;
  return { source, shape: { format: 'CSV', columnCount: names.length, headerNames } };
}

async function parquetSource(connection: DuckDBConnection, path: string): Promise<{ source: string; shape: SourceShape }> {
  const source = `read_parquet(${sqlString(path)})`;
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  const columns = described.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  return { source, shape: { format: 'Parquet', columns } };
}

/** The source expression and the shape the compiler needs; `empty` when the staged file has no bytes. */
export async function buildSource(connection: DuckDBConnection, input: InputFormat, path: string, empty: boolean): Promise<{ source: string; shape: SourceShape }> {
  if (empty) return emptySource(input);
  switch (input.format) {
    case 'CSV':
      return csvSource(connection, input, path);
    case 'JSON': {
      // A DOCUMENT may be one object holding the records in an array (FROM S3Object[*].path[*]), so it gets more room.
      const reader =
        input.type === 'LINES'
          ? `read_ndjson_objects(${sqlString(path)}, maximum_object_size = ${MAX_RECORD_BYTES})`
          : `read_json_objects(${sqlString(path)}, format = 'auto', maximum_object_size = ${MAX_DOCUMENT_BYTES})`;
      return { source: `(SELECT json AS "_doc" FROM ${reader})`, shape: { format: 'JSON' } };
    }
    case 'Parquet':
      return parquetSource(connection, path);
  }
}
