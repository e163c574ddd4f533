/**
 * The contract between the S3 Select SQL compiler (src/select/sql/, entry
 * `compileSelect` in compile.ts) and the runtime that feeds DuckDB and
 * encodes results (runner, output writers, event stream).
 *
 * The runtime stages the object's bytes where DuckDB can read them and hands
 * the compiler a `source`: a DuckDB table expression the server built itself
 * (for example a read_csv(...) call over the staged file). The compiler puts
 * it in the FROM clause verbatim and never builds one from user text.
 */

/** Relation columns are named "_1".."_N", every one VARCHAR (CSV fields are strings until cast). */
export interface CsvShape {
  format: 'CSV';
  columnCount: number;
  /** The header line's names, in column order, when FileHeaderInfo is USE. */
  headerNames?: string[];
}

/** The relation has one column "_doc" of DuckDB type JSON: one row per top-level record. */
export interface JsonShape {
  format: 'JSON';
}

/** The relation's columns are the file's, with their DuckDB type names. */
export interface ParquetShape {
  format: 'Parquet';
  columns: { name: string; type: string }[];
}

export type SourceShape = CsvShape | JsonShape | ParquetShape;

/**
 * How one result column's value is encoded. Every result column is VARCHAR or
 * NULL, and NULL always means MISSING (omitted from a JSON output record, an
 * empty CSV output field).
 * - 'text': a plain string value (JSON output quotes it; CSV output writes it raw).
 * - 'json': JSON text (JSON output splices it verbatim; CSV output writes a JSON
 *   string's decoded content, any other JSON value's text as is).
 * - 'document': a JSON object that is the whole output record (SELECT * over JSON
 *   input): JSON output writes it verbatim, CSV output writes its field values in order.
 */
export type ColumnEncoding = 'text' | 'json' | 'document';

export interface OutputColumn {
  /** The record field name: the alias, the column/path name, or `_1`, `_2`, … by position as AWS names them. */
  name: string;
  encoding: ColumnEncoding;
}

export type SqlParam = string | number | bigint | boolean | null;

export interface CompiledQuery {
  /** One DuckDB SELECT statement reading only from `source`; user values appear only as `$n` parameters or escaped literals. */
  sql: string;
  /** Values for `$1`, `$2`, … in order. */
  params: SqlParam[];
  columns: OutputColumn[];
}
