/**
 * Caps on what one S3 Select expression may ask for. They keep parsing,
 * generation and DuckDB's own planner bounded whatever the client sends.
 */

/** AWS's limit on the SQL expression: 256 KiB of UTF-8. */
export const MAX_EXPRESSION_BYTES = 256 * 1024;

/**
 * Deepest syntax tree accepted. AND/OR chains are flat nodes, so only real
 * nesting counts; the parser and generator recurse at most this deep.
 */
export const MAX_TREE_DEPTH = 64;

/**
 * Longest generated SQL. A few constructs repeat an operand (BETWEEN, simple
 * CASE, dynamic comparisons); nesting them could grow the text exponentially,
 * and this cap stops that long before memory is at risk.
 */
export const MAX_GENERATED_SQL_CHARS = 4 * 1024 * 1024;
