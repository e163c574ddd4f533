import { S3Error } from '../../s3/errors.js';
import type { SourceShape } from '../query-shape.js';
import type { PathStep } from './ast.js';
import { JSON_ROW, jsonAt } from './references.js';
import { quoteIdent } from './sql-text.js';

/**
 * The relation a query reads: always the server's `source`, for JSON wrapped
 * in subqueries that descend into `S3Object[*].path` and unnest each `[*]`,
 * so the rest of the query sees one "_doc" value per row either way.
 */
export function fromRelation(source: string, shape: SourceShape, fromPath: PathStep[]): string {
  // A leading [*] means "each record", which is what S3Object already is.
  const steps = fromPath[0]?.kind === 'wildcard' ? fromPath.slice(1) : fromPath;
  if (steps.length === 0) return source;
  if (shape.format !== 'JSON') {
    throw new S3Error('UnsupportedSyntax', { message: 'Paths after S3Object are supported only for JSON input.' });
  }
  let relation = source;
  let level = 0;
  let pending: PathStep[] = [];
  const alias = (): string => quoteIdent(`_from${++level}`);
  const descend = (): void => {
    if (pending.length === 0) return;
    const value = jsonAt(JSON_ROW, pending);
    relation = `(SELECT ${value} AS ${JSON_ROW} FROM ${relation} WHERE ${value} IS NOT NULL) AS ${alias()}`;
    pending = [];
  };
  for (const step of steps) {
    if (step.kind !== 'wildcard') {
      pending.push(step);
      continue;
    }
    descend();
    relation = `(SELECT unnest(json_extract(${JSON_ROW}, '$[*]')) AS ${JSON_ROW} FROM ${relation}) AS ${alias()}`;
  }
  descend();
  return relation;
}
