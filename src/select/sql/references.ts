import { S3Error } from '../../s3/errors.js';
import type { SourceShape } from '../query-shape.js';
import type { PathStep } from './ast.js';
import { quoteIdent, quoteString } from './sql-text.js';
import { typed, type Typed, type ValueType } from './value-types.js';

/** The row a reference is resolved against: the source's shape and the FROM alias. */
export interface Scope {
  shape: SourceShape;
  alias?: { name: string; quoted: boolean };
}

/** Unquoted names compare case-insensitively, quoted ones exactly (S3 Select's rule). */
function sameName(a: { name: string; quoted: boolean }, b: { name: string; quoted: boolean }): boolean {
  return a.quoted && b.quoted ? a.name === b.name : a.name.toLowerCase() === b.name.toLowerCase();
}

/** True when `step` names the table itself: the FROM alias, or S3Object when there is none. */
export function namesTable(step: { name: string; quoted: boolean }, scope: Scope): boolean {
  return sameName(step, scope.alias ?? { name: 'S3Object', quoted: false });
}

/** The path with a leading table qualifier (`s.` or `S3Object.`) removed. */
function withoutQualifier(steps: PathStep[], scope: Scope): PathStep[] {
  const first = steps[0];
  return first?.kind === 'name' && namesTable(first, scope) ? steps.slice(1) : steps;
}

/** RFC 6901 JSON pointer for name and index steps; DuckDB reads it without any quoting rules of its own. */
export function jsonPointer(steps: PathStep[]): string {
  return steps
    .map((step) => {
      if (step.kind === 'wildcard') throw new S3Error('InvalidKeyPath', { message: 'A [*] wildcard is allowed only in the FROM clause.' });
      const key = step.kind === 'index' ? String(step.index) : step.name;
      return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    })
    .join('');
}

export const JSON_ROW = quoteIdent('_doc');

export function jsonAt(base: string, steps: PathStep[]): string {
  return steps.length === 0 ? base : `json_extract(${base}, ${quoteString(jsonPointer(steps))})`;
}

const missingText = (): Typed => typed('CAST(NULL AS VARCHAR)', 'text');

/** Resolves a column or path reference to SQL over the source relation. */
export function resolveReference(steps: PathStep[], scope: Scope): Typed {
  const rest = withoutQualifier(steps, scope);
  const shape = scope.shape;
  if (shape.format === 'JSON') return typed(jsonAt(JSON_ROW, rest), 'json');
  if (rest.length === 0) throw new S3Error('UnsupportedSyntax', { message: 'A whole-record reference is supported only for JSON input.' });
  const first = rest[0];
  if (first.kind !== 'name') throw new S3Error('InvalidKeyPath');
  return shape.format === 'CSV' ? csvColumn(first, rest.length > 1, shape) : parquetColumn(first, rest.slice(1), shape);
}

const POSITIONAL = /^_(\d+)$/;

function csvColumn(step: { name: string; quoted: boolean }, hasMoreSteps: boolean, shape: { columnCount: number; headerNames?: string[] }): Typed {
  let index = findName(step, shape.headerNames ?? []);
  if (index < 0) {
    const positional = step.quoted ? null : POSITIONAL.exec(step.name);
    if (!positional) {
      throw new S3Error('EvaluatorBindingDoesNotExist', { message: `Column ${JSON.stringify(step.name.slice(0, 256))} does not exist.` });
    }
    index = Number(positional[1]) - 1;
    if (index < 0) throw new S3Error('InvalidColumnIndex');
  }
  // A CSV field is a scalar: a path into it, or a column past the row's end, is MISSING.
  if (hasMoreSteps || index >= shape.columnCount) return missingText();
  return typed(quoteIdent(`_${index + 1}`), 'text');
}

/** Index of the name in `names`: exact match first, then (unquoted only) case-insensitive. */
function findName(step: { name: string; quoted: boolean }, names: string[]): number {
  const exact = names.indexOf(step.name);
  if (exact >= 0 || step.quoted) return exact;
  const lower = step.name.toLowerCase();
  return names.findIndex((n) => n.toLowerCase() === lower);
}

function parquetColumn(step: { name: string; quoted: boolean }, rest: PathStep[], shape: { columns: { name: string; type: string }[] }): Typed {
  const index = findName(step, shape.columns.map((c) => c.name));
  if (index < 0) {
    throw new S3Error('EvaluatorBindingDoesNotExist', { message: `Column ${JSON.stringify(step.name.slice(0, 256))} does not exist.` });
  }
  const column = shape.columns[index];
  const sql = quoteIdent(column.name);
  const type = parquetValueType(column.type);
  if (rest.length > 0 || type === 'json') return typed(jsonAt(`to_json(${sql})`, rest), 'json');
  if (type === 'timestamp') return typed(`CAST(${sql} AS TIMESTAMPTZ)`, 'timestamp');
  if (type === 'string') return typed(column.type.toUpperCase() === 'VARCHAR' ? sql : `CAST(${sql} AS VARCHAR)`, 'string');
  return typed(sql, type);
}

/** How a Parquet column's DuckDB type behaves in S3 Select expressions. */
export function parquetValueType(duckdbType: string): ValueType {
  const t = duckdbType.toUpperCase();
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INT\d+|UINTEGER|UBIGINT|USMALLINT|UTINYINT|UHUGEINT)$/.test(t)) return 'int';
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL') return 'float';
  if (t.startsWith('DECIMAL') || t.startsWith('NUMERIC')) return 'decimal';
  if (t === 'BOOLEAN' || t === 'BOOL') return 'bool';
  if (t.startsWith('TIMESTAMP') || t === 'DATE') return 'timestamp';
  if (t.startsWith('STRUCT') || t.startsWith('MAP') || t.endsWith(']') || t === 'JSON' || t.startsWith('UNION')) return 'json';
  return 'string';
}
