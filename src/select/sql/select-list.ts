import { S3Error } from '../../s3/errors.js';
import type { OutputColumn, SourceShape } from '../query-shape.js';
import type { SelectItem, SelectStatement } from './ast.js';
import { generate, newContext } from './expressions.js';
import { JSON_ROW, namesTable, resolveReference, type Scope } from './references.js';
import type { ParamList } from './sql-text.js';
import { outputValue } from './value-types.js';

export interface ProjectedColumn extends OutputColumn {
  sql: string;
}

export interface Projection {
  columns: ProjectedColumn[];
  aggregated: boolean;
}

/** The SELECT list as result columns, each VARCHAR (NULL for MISSING), with AWS's output names. */
export function project(statement: SelectStatement, scope: Scope, params: ParamList): Projection {
  if (!statement.items) {
    if (statement.starQualifier && !namesTable(statement.starQualifier, scope)) throw new S3Error('InvalidTableAlias');
    return { columns: starColumns(scope.shape), aggregated: false };
  }
  const columns: ProjectedColumn[] = [];
  let aggregates = 0;
  for (const [i, item] of statement.items.entries()) {
    const ctx = newContext(scope, params, true);
    const value = outputValue(generate(item.expr, ctx));
    if (ctx.sawAggregate) {
      if (ctx.sawBareReference) throw mixedAggregates();
      aggregates++;
    }
    columns.push({ name: outputName(item, i, scope), encoding: value.encoding, sql: value.sql });
  }
  if (aggregates > 0 && aggregates < columns.length) throw mixedAggregates();
  return { columns, aggregated: aggregates > 0 };
}

function mixedAggregates(): S3Error {
  return new S3Error('ParseUnsupportedSyntax', { message: 'Aggregate and non-aggregate expressions cannot be mixed in the SELECT list.' });
}

/** AWS's record field name: the alias, a reference's last name, else `_N` by position. */
function outputName(item: SelectItem, index: number, scope: Scope): string {
  if (item.alias !== undefined) return item.alias;
  if (item.expr.kind === 'path') {
    const steps = item.expr.steps;
    const last = steps.at(-1);
    const onlyTable = steps.length === 1 && last?.kind === 'name' && scope.alias !== undefined && namesTable(last, scope);
    if (last?.kind === 'name' && !onlyTable) return last.name;
  }
  return `_${index + 1}`;
}

function starColumns(shape: SourceShape): ProjectedColumn[] {
  switch (shape.format) {
    case 'CSV':
      return Array.from({ length: shape.columnCount }, (_, i) => ({
        name: shape.headerNames?.[i] ?? `_${i + 1}`,
        encoding: 'text' as const,
        sql: `"_${i + 1}"`,
      }));
    case 'JSON':
      // A record that is not an object (a bare number, an array) becomes {"_1": value}, as AWS prints it.
      return [{
        name: '_1',
        encoding: 'document',
        sql: `CAST(CASE WHEN json_type(${JSON_ROW}) = 'OBJECT' THEN ${JSON_ROW} ELSE json_object('_1', ${JSON_ROW}) END AS VARCHAR)`,
      }];
    case 'Parquet':
      return shape.columns.map((column) => {
        const value = outputValue(resolveReference([{ kind: 'name', name: column.name, quoted: true }], { shape }));
        return { name: column.name, encoding: value.encoding, sql: value.sql };
      });
  }
}
