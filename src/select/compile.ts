import { S3Error } from '../s3/errors.js';
import type { CompiledQuery, SourceShape } from './query-shape.js';
import { fromRelation } from './sql/from-clause.js';
import { generate, newContext } from './sql/expressions.js';
import { MAX_EXPRESSION_BYTES } from './sql/limits.js';
import { parseSelect } from './sql/parser.js';
import type { Scope } from './sql/references.js';
import { project } from './sql/select-list.js';
import { capped, ParamList, quoteIdent } from './sql/sql-text.js';
import { asBool } from './sql/value-types.js';

/**
 * Compiles an S3 Select expression into one DuckDB SELECT over `source`.
 * The expression is parsed into a syntax tree and the SQL is generated from
 * that tree alone: user values travel as `$n` parameters (JSON paths as
 * escaped constants), identifiers are quoted, functions come from a fixed
 * map, and FROM is always `source`. Throws S3Error with S3 Select's codes.
 */
export function compileSelect(expression: string, shape: SourceShape, source: string): CompiledQuery {
  if (Buffer.byteLength(expression, 'utf8') > MAX_EXPRESSION_BYTES) throw new S3Error('ExpressionTooLong');
  const statement = parseSelect(expression);
  const scope: Scope = { shape, alias: statement.alias };
  const params = new ParamList();

  const projection = project(statement, scope, params);
  let relation = fromRelation(source, shape, statement.fromPath);
  const where = statement.where ? `WHERE ${asBool(generate(statement.where, newContext(scope, params, false))).sql}` : '';
  const list = projection.columns.map((c, i) => `${c.sql} AS ${quoteIdent(`_${i + 1}`)}`).join(', ');

  let sql: string;
  if (projection.aggregated && statement.limit !== undefined) {
    // LIMIT bounds the records aggregated, not the single result row.
    relation = `(SELECT * FROM ${relation} ${where} LIMIT ${statement.limit}) AS ${quoteIdent('_limited')}`;
    sql = `SELECT ${list} FROM ${relation}`;
  } else {
    const limit = statement.limit === undefined ? '' : ` LIMIT ${statement.limit}`;
    sql = `SELECT ${list} FROM ${relation} ${where}${limit}`;
  }
  return {
    sql: capped(sql),
    params: params.values,
    columns: projection.columns.map(({ name, encoding }) => ({ name, encoding })),
  };
}
