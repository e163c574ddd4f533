/**
 * The syntax tree of one S3 Select statement. It is the only thing the SQL
 * generator reads: user text survives only as literal values and names in
 * these nodes, never as SQL.
 */

/** One step of a path: `.name`, `."Name"`, `[0]`, `['name']`, `[*]` or `.*`. */
export type PathStep =
  | { kind: 'name'; name: string; quoted: boolean }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' };

export type DatePart = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND' | 'TIMEZONE_HOUR' | 'TIMEZONE_MINUTE';

export type CastType = 'BOOL' | 'INT' | 'STRING' | 'FLOAT' | 'DECIMAL' | 'TIMESTAMP';

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type AggregateName = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
export type TrimSide = 'LEADING' | 'TRAILING' | 'BOTH';

/** Scalar functions called with plain comma-separated arguments. */
export type ScalarFunctionName =
  | 'COALESCE' | 'NULLIF' | 'CHAR_LENGTH' | 'CHARACTER_LENGTH' | 'LOWER' | 'UPPER'
  | 'TO_STRING' | 'TO_TIMESTAMP' | 'UTCNOW';

export type Expr =
  | { kind: 'null' }
  | { kind: 'missing' }
  | { kind: 'bool'; value: boolean }
  /** `value` is the canonical decimal text of an integer that fits in 64 bits. */
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  /** A `backtick` timestamp literal, its text unparsed. */
  | { kind: 'timestamp'; text: string }
  | { kind: 'path'; steps: PathStep[] }
  | { kind: 'neg'; operand: Expr }
  | { kind: 'not'; operand: Expr }
  /** AND/OR chains are flat so that long chains do not nest. */
  | { kind: 'and' | 'or'; operands: Expr[] }
  | { kind: 'compare'; op: ComparisonOp; left: Expr; right: Expr }
  | { kind: 'arith'; op: ArithmeticOp; left: Expr; right: Expr }
  | { kind: 'concat'; left: Expr; right: Expr }
  | { kind: 'like'; negated: boolean; value: Expr; pattern: Expr; escape?: Expr }
  | { kind: 'between'; negated: boolean; value: Expr; low: Expr; high: Expr }
  | { kind: 'in'; negated: boolean; value: Expr; list: Expr[] }
  | { kind: 'is'; negated: boolean; value: Expr; test: 'NULL' | 'MISSING' }
  | { kind: 'case'; subject?: Expr; whens: { when: Expr; then: Expr }[]; otherwise?: Expr }
  | { kind: 'cast'; value: Expr; type: CastType; precision?: number; scale?: number }
  | { kind: 'call'; name: ScalarFunctionName; args: Expr[] }
  | { kind: 'substring'; value: Expr; start: Expr; length?: Expr }
  | { kind: 'trim'; side: TrimSide; chars?: Expr; value: Expr }
  | { kind: 'extract'; part: DatePart; value: Expr }
  | { kind: 'date_add'; part: DatePart; amount: Expr; value: Expr }
  | { kind: 'date_diff'; part: DatePart; from: Expr; to: Expr }
  /** `arg` absent means COUNT(*). */
  | { kind: 'aggregate'; name: AggregateName; arg?: Expr };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

export interface SelectStatement {
  /** `undefined` for `SELECT *` (or `SELECT alias.*`). */
  items?: SelectItem[];
  /** Path after S3Object (`S3Object[*].a[*]` → wildcard, name a, wildcard). */
  fromPath: PathStep[];
  /** The table alias; `quoted` decides how references compare with it. */
  alias?: { name: string; quoted: boolean };
  /** `s` in `SELECT s.*`: must name the table alias. */
  starQualifier?: { name: string; quoted: boolean };
  where?: Expr;
  limit?: bigint;
}
