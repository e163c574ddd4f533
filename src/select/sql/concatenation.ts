import type { Expr } from './ast.js';
import { BUILT_STRING_TOO_LONG, MAX_BUILT_STRING_BYTES } from './limits.js';
import { quoteString } from './sql-text.js';
import { typed, type Typed } from './value-types.js';

/** The operands of a `||` chain, left to right, however it was parenthesised (`||` is associative). */
export function concatOperands(expr: Expr): Expr[] {
  if (expr.kind !== 'concat') return [expr];
  return [...concatOperands(expr.left), ...concatOperands(expr.right)];
}

/**
 * A `||` chain over text operands as one flat, bounded concatenation.
 *
 * DuckDB evaluates `a || b || c` pairwise and keeps every intermediate string
 * of the chunk, none of them counted against memory_limit: 50 operands over
 * 1 MB records took gigabytes. Here the operands' byte lengths (O(1) each) are
 * summed first; past MAX_BUILT_STRING_BYTES the query fails before anything
 * is built, otherwise one concat() builds the result once. NULL in any
 * operand makes the whole NULL, as `||` does (concat() alone would skip it).
 */
export function boundedConcatenation(operands: Typed[]): Typed {
  const total = operands.map((o) => `strlen(${o.sql})`).join(' + ');
  // A NULL total (a NULL operand) matches neither branch, so the result is NULL. Each operand is written twice, not more.
  return typed(
    `(CASE (${total}) > ${MAX_BUILT_STRING_BYTES} WHEN FALSE THEN concat(${operands.map((o) => o.sql).join(', ')}) ` +
      `WHEN TRUE THEN error(${quoteString(BUILT_STRING_TOO_LONG)}) END)`,
    'string',
  );
}
