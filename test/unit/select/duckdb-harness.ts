import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { compileSelect } from '../../../src/select/compile.js';
import type { CsvShape, SourceShape } from '../../../src/select/query-shape.js';

/**
 * Runs compiled S3 Select queries in a real in-memory DuckDB over small files,
 * with `source` built the way the runtime builds it. Results come back as
 * records keyed by the compiler's output column names, MISSING columns left out.
 */
export class SelectHarness {
  private readonly dir = mkdtempSync(join(tmpdir(), 'cairn-select-'));
  private connection?: DuckDBConnection;
  private instance?: DuckDBInstance;

  async open(): Promise<void> {
    this.instance = await DuckDBInstance.create(':memory:');
    this.connection = await this.instance.connect();
  }

  close(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }

  file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  csvSource(path: string, shape: CsvShape, hasHeaderLine: boolean): string {
    const names = Array.from({ length: shape.columnCount }, (_, i) => `'_${i + 1}'`).join(', ');
    return `read_csv('${path}', header = ${hasHeaderLine}, all_varchar = true, names = [${names}], null_padding = true)`;
  }

  jsonLinesSource(path: string): string {
    return `(SELECT json AS "_doc" FROM read_ndjson_objects('${path}'))`;
  }

  jsonDocumentSource(path: string): string {
    return `(SELECT json AS "_doc" FROM read_json_objects('${path}', format = 'auto'))`;
  }

  parquetSource(path: string): string {
    return `read_parquet('${path}')`;
  }

  async writeParquet(name: string, selectSql: string): Promise<string> {
    const path = join(this.dir, name);
    await this.connection!.run(`COPY (${selectSql}) TO '${path}' (FORMAT parquet)`);
    return path;
  }

  async parquetColumns(path: string): Promise<{ name: string; type: string }[]> {
    const reader = await this.connection!.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    return reader.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  }

  /** Compiles and runs; each row is [name, value, encoding] triples turned into a record of present values. */
  async select(expression: string, shape: SourceShape, source: string): Promise<Record<string, string>[]> {
    const compiled = compileSelect(expression, shape, source);
    const reader = await this.connection!.runAndReadAll(compiled.sql, compiled.params);
    return reader.getRows().map((row) => {
      const record: Record<string, string> = {};
      row.forEach((value, i) => {
        if (value !== null) record[compiled.columns[i].name] = String(value);
      });
      return record;
    });
  }

  /** The error text DuckDB raises for a compiled query (for run-time failures such as casts). */
  async failure(expression: string, shape: SourceShape, source: string): Promise<string> {
    try {
      await this.select(expression, shape, source);
    } catch (err) {
      return (err as Error).message;
    }
    return '';
  }
}
