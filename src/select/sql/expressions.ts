import { S3Error } from '../../s3/errors.js';
import type { ComparisonOp, DatePart, Expr } from './ast.js';
import { boundedConcatenation, concatOperands } from './concatenation.js';
import { resolveReference, type Scope } from './references.js';
import { ParamList, quoteString } from './sql-text.js';
import { strftimeFormat } from './timestamp-format.js';
import {
  asBool, asInteger, asNumber, asText, asTimestamp, isDynamic, isNumeric, parseTimestamp, typed, type Typed, type ValueType,
} from './value-types.js';

/** Per-expression state: where aggregates may appear, and what the expression was seen to contain. */
export interface ExprContext {
  scope: Scope;
  params: ParamList;
  aggregatesAllowed: boolean;
  /** Set when the expression contains an aggregate call. */
  sawAggregate: boolean;
  /** Set when the expression reads a column outside any aggregate. */
  sawBareReference: boolean;
}

const SQL_COMPARISON: Record<ComparisonOp, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** DuckDB SQL for one S3 Select expression; every piece comes from the tree, never from the user's text. */
export function generate(expr: Expr, ctx: ExprContext): Typed {
  switch (expr.kind) {
    case 'null':
    case 'missing':
      return typed('NULL', 'null');
    case 'bool':
      return typed(expr.value ? 'TRUE' : 'FALSE', 'bool');
    case 'int':
      return typed(`CAST(${expr.value.toString()} AS BIGINT)`, 'int');
    case 'float':
      return typed(`CAST(${quoteString(String(expr.value))} AS DOUBLE)`, 'float');
    case 'string':
      return typed(ctx.params.text(expr.value), 'string');
    case 'timestamp':
      return typed(parseTimestamp(ctx.params.text(expr.text)), 'timestamp');
    case 'path':
      // Inside an aggregate's argument aggregatesAllowed is false: only references outside one count.
      if (ctx.aggregatesAllowed) ctx.sawBareReference = true;
      return resolveReference(expr.steps, ctx.scope);
    case 'neg': {
      const v = asNumber(generate(expr.operand, ctx));
      return typed(`(- ${v.sql})`, v.type);
    }
    case 'not':
      return typed(`(NOT ${asBool(generate(expr.operand, ctx)).sql})`, 'bool');
    case 'and':
    case 'or':
      return typed(`(${expr.operands.map((o) => asBool(generate(o, ctx)).sql).join(` ${expr.kind.toUpperCase()} `)})`, 'bool');
    case 'compare':
      return compare(expr.op, generate(expr.left, ctx), generate(expr.right, ctx));
    case 'arith':
      return arithmetic(expr.op, generate(expr.left, ctx), generate(expr.right, ctx));
    case 'concat':
      return boundedConcatenation(concatOperands(expr).map((o) => asText(generate(o, ctx))));
    case 'like':
      return like(expr, ctx);
    case 'between':
      return between(expr.negated, generate(expr.value, ctx), generate(expr.low, ctx), generate(expr.high, ctx));
    case 'in':
      return inList(expr.negated, generate(expr.value, ctx), expr.list, ctx);
    case 'is':
      return isTest(expr, ctx);
    case 'case':
      return caseExpression(expr, ctx);
    case 'cast':
      return cast(expr, ctx);
    case 'call':
      return call(expr, ctx);
    case 'substring':
      return substring(expr, ctx);
    case 'trim': {
      const fn = { BOTH: 'trim', LEADING: 'ltrim', TRAILING: 'rtrim' }[expr.side];
      const chars = expr.chars ? asText(generate(expr.chars, ctx)).sql : quoteString(' ');
      return typed(`${fn}(${asText(generate(expr.value, ctx)).sql}, ${chars})`, 'string');
    }
    case 'extract':
      return typed(`date_part(${quoteString(expr.part.toLowerCase())}, ${asTimestamp(generate(expr.value, ctx)).sql})`, 'int');
    case 'date_add':
      return dateAdd(expr.part, generate(expr.amount, ctx), generate(expr.value, ctx));
    case 'date_diff': {
      if (expr.part.startsWith('TIMEZONE')) throw new S3Error('ParseExpectedDatePart');
      const from = asTimestamp(generate(expr.from, ctx)).sql;
      const to = asTimestamp(generate(expr.to, ctx)).sql;
      return typed(`date_sub(${quoteString(expr.part.toLowerCase())}, ${from}, ${to})`, 'int');
    }
    case 'aggregate':
      return aggregate(expr, ctx);
  }
}

/**
 * A comparison with S3 Select's typing: a number on either side compares
 * numerically, then booleans, then timestamps; two run-time-typed values
 * (CSV fields, JSON values) compare numerically when both read as numbers,
 * as text otherwise (MinIO's inference).
 */
export function compare(op: ComparisonOp, a: Typed, b: Typed): Typed {
  const sqlOp = SQL_COMPARISON[op];
  if (a.type === 'null' || b.type === 'null') return typed('CAST(NULL AS BOOLEAN)', 'bool');
  const both = (convert: (v: Typed) => Typed): Typed => typed(`(${convert(a).sql} ${sqlOp} ${convert(b).sql})`, 'bool');
  if (isNumeric(a.type) || isNumeric(b.type)) return both(asNumber);
  if (a.type === 'bool' || b.type === 'bool') return both(asBool);
  if (a.type === 'timestamp' || b.type === 'timestamp') return both(asTimestamp);
  if (isDynamic(a.type) && isDynamic(b.type)) {
    const ta = asText(a).sql;
    const tb = asText(b).sql;
    return typed(
      `(CASE WHEN TRY_CAST(${ta} AS DOUBLE) IS NOT NULL AND TRY_CAST(${tb} AS DOUBLE) IS NOT NULL ` +
        `THEN CAST(${ta} AS DOUBLE) ${sqlOp} CAST(${tb} AS DOUBLE) ELSE ${ta} ${sqlOp} ${tb} END)`,
      'bool',
    );
  }
  return both(asText);
}

function arithmetic(op: string, left: Typed, right: Typed): Typed {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a.type === 'int' && b.type === 'int') {
    // Integer arithmetic stays integral, as in S3 Select (7 / 2 = 3).
    return typed(`(${a.sql} ${op === '/' ? '//' : op} ${b.sql})`, 'int');
  }
  const type: ValueType = a.type === 'float' || b.type === 'float' || op === '/' ? 'float' : 'decimal';
  const cast = (v: Typed): string => (type === 'float' && v.type !== 'float' ? `CAST(${v.sql} AS DOUBLE)` : v.sql);
  return typed(`(${cast(a)} ${op} ${cast(b)})`, type);
}

function like(expr: Extract<Expr, { kind: 'like' }>, ctx: ExprContext): Typed {
  if (expr.escape?.kind === 'string' && [...expr.escape.value].length !== 1) {
    throw new S3Error('LikeInvalidInputs', { message: 'The LIKE escape must be exactly one character.' });
  }
  const value = asText(generate(expr.value, ctx)).sql;
  const pattern = asText(generate(expr.pattern, ctx)).sql;
  const escape = expr.escape ? ` ESCAPE ${asText(generate(expr.escape, ctx)).sql}` : '';
  return typed(`(${value} ${expr.negated ? 'NOT LIKE' : 'LIKE'} ${pattern}${escape})`, 'bool');
}

function between(negated: boolean, value: Typed, low: Typed, high: Typed): Typed {
  const all = [value, low, high];
  let convert = asText;
  if (all.some((v) => isNumeric(v.type))) convert = asNumber;
  else if (all.some((v) => v.type === 'timestamp')) convert = asTimestamp;
  const [v, l, h] = all.map((x) => convert(x).sql);
  return typed(`(${v} ${negated ? 'NOT BETWEEN' : 'BETWEEN'} ${l} AND ${h})`, 'bool');
}

/** IN over literals of one kind is one SQL IN; anything else is an OR of equality comparisons. */
function inList(negated: boolean, value: Typed, list: Expr[], ctx: ExprContext): Typed {
  const items = list.map((e) => generate(e, ctx));
  const literalKinds = new Set(list.map((e) => e.kind));
  const allNumbers = [...literalKinds].every((k) => k === 'int' || k === 'float');
  const allStrings = [...literalKinds].every((k) => k === 'string');
  let sql: string;
  if (allNumbers || allStrings) {
    const convert = allNumbers ? asNumber : asText;
    sql = `(${convert(value).sql} IN (${items.map((i) => convert(i).sql).join(', ')}))`;
  } else {
    sql = `(${items.map((i) => compare('=', value, i).sql).join(' OR ')})`;
  }
  return typed(negated ? `(NOT ${sql})` : sql, 'bool');
}

/** IS NULL is true for NULL and MISSING; IS MISSING only for MISSING (an absent JSON key or CSV column). */
function isTest(expr: Extract<Expr, { kind: 'is' }>, ctx: ExprContext): Typed {
  let sql: string;
  if (expr.value.kind === 'null' || expr.value.kind === 'missing') {
    sql = expr.test === 'NULL' || expr.value.kind === 'missing' ? 'TRUE' : 'FALSE';
  } else {
    const v = generate(expr.value, ctx);
    sql = v.type === 'json' && expr.test === 'NULL' ? `(${v.sql} IS NULL OR json_type(${v.sql}) = 'NULL')` : `(${v.sql} IS NULL)`;
  }
  return typed(expr.negated ? `(NOT ${sql})` : sql, 'bool');
}

/** Brings branch values to one SQL type: JSON if any is JSON, numbers if all are, text otherwise. */
function unify(values: Typed[]): Typed[] {
  const types = new Set(values.map((v) => v.type).filter((t) => t !== 'null'));
  if (types.size === 0) return values;
  const nullOf = (sqlType: string, type: ValueType) => (v: Typed): Typed => (v.type === 'null' ? typed(`CAST(NULL AS ${sqlType})`, type) : v);
  if (types.size === 1) {
    const [type] = types;
    if (type === 'json') return values.map(nullOf('JSON', 'json'));
    if (type === 'bool') return values.map(nullOf('BOOLEAN', 'bool'));
    if (type === 'timestamp') return values.map(nullOf('TIMESTAMPTZ', 'timestamp'));
    if (type === 'int') return values.map(nullOf('BIGINT', 'int'));
    if (type === 'float') return values.map(nullOf('DOUBLE', 'float'));
    return values.map((v) => (v.type === 'null' ? asText(v) : v));
  }
  if (types.has('json')) return values.map(toJson);
  if ([...types].every(isNumeric)) return values.map((v) => typed(`CAST(${asNumber(v).sql} AS DOUBLE)`, 'float'));
  return values.map(asText);
}

function toJson(v: Typed): Typed {
  if (v.type === 'json') return v;
  if (v.type === 'null') return typed('CAST(NULL AS JSON)', 'json');
  if (v.type === 'timestamp') return typed(`to_json(${asText(v).sql})`, 'json');
  return typed(`to_json(${v.sql})`, 'json');
}

function caseExpression(expr: Extract<Expr, { kind: 'case' }>, ctx: ExprContext): Typed {
  const subject = expr.subject ? generate(expr.subject, ctx) : undefined;
  const conditions = expr.whens.map((w) => {
    const when = generate(w.when, ctx);
    return subject ? compare('=', subject, when).sql : asBool(when).sql;
  });
  const results = unify([...expr.whens.map((w) => generate(w.then, ctx)), expr.otherwise ? generate(expr.otherwise, ctx) : typed('NULL', 'null')]);
  const otherwise = results.pop()!;
  const branches = conditions.map((c, i) => `WHEN ${c} THEN ${results[i].sql}`).join(' ');
  const type = results.find((r) => r.type !== 'null')?.type ?? otherwise.type;
  return typed(`(CASE ${branches} ELSE ${otherwise.sql} END)`, type);
}

function cast(expr: Extract<Expr, { kind: 'cast' }>, ctx: ExprContext): Typed {
  const v = generate(expr.value, ctx);
  switch (expr.type) {
    case 'BOOL':
      return asBool(v);
    case 'INT':
      return v.type === 'null' ? typed('CAST(NULL AS BIGINT)', 'int') : asInteger(v);
    case 'STRING':
      return asText(v);
    case 'FLOAT':
      return typed(`CAST(${asNumber(v).sql} AS DOUBLE)`, 'float');
    case 'DECIMAL': {
      if (expr.precision === undefined) return typed(`CAST(${asNumber(v).sql} AS DOUBLE)`, 'float');
      const source = isDynamic(v.type) || v.type === 'string' ? asText(v).sql : asNumber(v).sql;
      return typed(`CAST(${source} AS DECIMAL(${expr.precision}, ${expr.scale ?? 0}))`, 'decimal');
    }
    case 'TIMESTAMP':
      return asTimestamp(v);
  }
}

function arity(args: Expr[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new S3Error('EvaluatorInvalidArguments');
}

function call(expr: Extract<Expr, { kind: 'call' }>, ctx: ExprContext): Typed {
  const args = expr.args;
  switch (expr.name) {
    case 'COALESCE': {
      arity(args, 1, Infinity);
      const values = unify(args.map((a) => generate(a, ctx)));
      return typed(`COALESCE(${values.map((v) => v.sql).join(', ')})`, values.find((v) => v.type !== 'null')?.type ?? 'null');
    }
    case 'NULLIF': {
      arity(args, 2);
      const a = generate(args[0], ctx);
      const b = generate(args[1], ctx);
      const convert = isNumeric(a.type) || isNumeric(b.type) ? asNumber : a.type === 'json' && b.type === 'json' ? (v: Typed) => v : asText;
      const ca = convert(a);
      return typed(`NULLIF(${ca.sql}, ${convert(b).sql})`, ca.type);
    }
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      arity(args, 1);
      return typed(`length(${asText(generate(args[0], ctx)).sql})`, 'int');
    case 'LOWER':
    case 'UPPER':
      arity(args, 1);
      return typed(`${expr.name.toLowerCase()}(${asText(generate(args[0], ctx)).sql})`, 'string');
    case 'TO_STRING': {
      arity(args, 2);
      const pattern = args[1];
      if (pattern.kind !== 'string') {
        throw new S3Error('IncorrectSqlFunctionArgumentType', { message: 'The TO_STRING pattern must be a string literal.' });
      }
      const ts = asTimestamp(generate(args[0], ctx)).sql;
      return typed(`strftime(CAST(${ts} AS TIMESTAMP), ${ctx.params.text(strftimeFormat(pattern.value))})`, 'string');
    }
    case 'TO_TIMESTAMP':
      arity(args, 1);
      return asTimestamp(generate(args[0], ctx));
    case 'UTCNOW':
      arity(args, 0);
      return typed('CAST(get_current_timestamp() AS TIMESTAMPTZ)', 'timestamp');
  }
}

/** SQL-standard SUBSTRING: positions before 1 count against the length, as S3 Select does. */
function substring(expr: Extract<Expr, { kind: 'substring' }>, ctx: ExprContext): Typed {
  const value = asText(generate(expr.value, ctx)).sql;
  const start = asInteger(generate(expr.start, ctx)).sql;
  const from = `greatest(${start}, 1)`;
  if (!expr.length) return typed(`substring(${value}, ${from})`, 'string');
  const length = asInteger(generate(expr.length, ctx)).sql;
  return typed(`substring(${value}, ${from}, greatest(${start} + ${length} - ${from}, 0))`, 'string');
}

const INTERVAL_OF: Partial<Record<DatePart, (n: string) => string>> = {
  YEAR: (n) => `to_years(CAST(${n} AS INTEGER))`,
  MONTH: (n) => `to_months(CAST(${n} AS INTEGER))`,
  DAY: (n) => `to_days(CAST(${n} AS INTEGER))`,
  HOUR: (n) => `to_hours(${n})`,
  MINUTE: (n) => `to_minutes(${n})`,
  SECOND: (n) => `to_seconds(CAST(${n} AS DOUBLE))`,
};

function dateAdd(part: DatePart, amount: Typed, value: Typed): Typed {
  const interval = INTERVAL_OF[part];
  if (!interval) throw new S3Error('ParseExpectedDatePart');
  return typed(`(${asTimestamp(value).sql} + ${interval(asInteger(amount).sql)})`, 'timestamp');
}

function aggregate(expr: Extract<Expr, { kind: 'aggregate' }>, ctx: ExprContext): Typed {
  if (!ctx.aggregatesAllowed) {
    throw new S3Error('ParseUnsupportedSyntax', { message: 'Aggregate functions are allowed only in the SELECT list, and not nested.' });
  }
  ctx.sawAggregate = true;
  if (!expr.arg) return typed('count(*)', 'int');
  const inner: ExprContext = { ...ctx, aggregatesAllowed: false };
  const arg = generate(expr.arg, inner);
  switch (expr.name) {
    case 'COUNT':
      return typed(`count(${arg.type === 'json' ? asText(arg).sql : arg.sql})`, 'int');
    case 'SUM': {
      const n = asNumber(arg);
      return typed(`sum(${n.sql})`, n.type);
    }
    case 'AVG':
      return typed(`avg(${asNumber(arg).sql})`, 'float');
    case 'MIN':
    case 'MAX': {
      const v = arg.type === 'string' || arg.type === 'timestamp' || arg.type === 'bool' ? arg : asNumber(arg);
      return typed(`${expr.name.toLowerCase()}(${v.sql})`, v.type);
    }
  }
}

export function newContext(scope: Scope, params: ParamList, aggregatesAllowed: boolean): ExprContext {
  return { scope, params, aggregatesAllowed, sawAggregate: false, sawBareReference: false };
}

