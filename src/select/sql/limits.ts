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

/**
 * Longest string one `||` chain may build per record, in bytes: AWS's
 * maximum record size. DuckDB does not count string results against the
 * instance's memory_limit, so this is the only bound on them.
 */
export const MAX_BUILT_STRING_BYTES = 1024 * 1024;

/**
 * Text of the error the generated SQL raises when a string would grow past
 * MAX_BUILT_STRING_BYTES; the runtime maps it to OverMaxRecordSize.
 */
export const BUILT_STRING_TOO_LONG = 'cairn: built string exceeds the maximum record size';
