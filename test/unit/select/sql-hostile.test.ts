import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { S3Error } from '../../../src/s3/errors.js';
import { compileSelect } from '../../../src/select/compile.js';
import type { CsvShape, JsonShape } from '../../../src/select/query-shape.js';
import { SelectHarness } from './duckdb-harness.js';

/**
 * Hostile expressions: each either fails with the exact S3 Select code, or
 * (when legal but odd) compiles to SQL that carries the user's text only as
 * parameters or rigorously escaped constants, and runs harmlessly.
 */
const csv: CsvShape = { format: 'CSV', columnCount: 2, headerNames: ['name', 'age'] };
const json: JsonShape = { format: 'JSON' };
const SOURCE = "read_csv('/staged/object', all_varchar = true)";

function codeOf(expression: string, shape: CsvShape | JsonShape = csv): string {
  try {
    compileSelect(expression, shape, SOURCE);
  } catch (err) {
    expect(err).toBeInstanceOf(S3Error);
    return (err as S3Error).code;
  }
  return 'compiled';
}

describe('refused with the exact code', () => {
  test.each([
    // Table functions and file access.
    ["SELECT read_csv('/etc/passwd') FROM S3Object", 'UnsupportedFunction'],
    ["SELECT read_text('/etc/passwd') FROM S3Object", 'UnsupportedFunction'],
    ["SELECT glob('/*') FROM S3Object", 'UnsupportedFunction'],
    ["SELECT * FROM S3Object WHERE getenv('HOME') = 'x'", 'UnsupportedFunction'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'ParseUnexpectedToken'],
    ["SELECT * FROM read_text('/etc/passwd')", 'ParseUnexpectedToken'],
    ["SELECT * FROM glob('/*')", 'ParseUnexpectedToken'],
    ["SELECT * FROM '/etc/passwd'", 'ParseUnexpectedToken'],
    ['SELECT * FROM "S3Object"', 'ParseUnexpectedToken'],
    // Statements that are not SELECT.
    ["COPY (SELECT 1) TO '/tmp/x'", 'ParseUnexpectedToken'],
    ["ATTACH '/tmp/x.db' AS x", 'ParseUnexpectedToken'],
    ['INSTALL httpfs', 'ParseUnexpectedToken'],
    ['LOAD httpfs', 'ParseUnexpectedToken'],
    ['PRAGMA version', 'ParseUnexpectedToken'],
    ['SET enable_external_access = true', 'ParseUnexpectedToken'],
    ["CALL pragma_version()", 'ParseUnexpectedToken'],
    ['CREATE TABLE t (a INT)', 'ParseUnexpectedToken'],
    ['WITH t AS (SELECT 1) SELECT * FROM t', 'ParseUnexpectedToken'],
    // Statement chaining.
    ['SELECT * FROM S3Object; DROP TABLE x', 'ParseUnexpectedToken'],
    ["SELECT * FROM S3Object; COPY (SELECT 1) TO '/tmp/x'", 'ParseUnexpectedToken'],
    ['SELECT * FROM S3Object;', 'ParseUnexpectedToken'],
    ["SELECT * FROM S3Object WHERE name = 'a'; ATTACH 'x'", 'ParseUnexpectedToken'],
    // Comment and quoting tricks.
    ['SELECT * FROM S3Object /* unterminated', 'LexerInvalidChar'],
    ["SELECT * FROM S3Object WHERE name = 'unterminated", 'LexerInvalidLiteral'],
    ['SELECT "unterminated FROM S3Object', 'LexerInvalidLiteral'],
    ["SELECT * FROM S3Object WHERE name = 'a\0b'", 'LexerInvalidChar'],
    ['SELECT s."a\0b" FROM S3Object s', 'LexerInvalidChar'],
    ['SELECT * FROM S3Object WHERE name = $1', 'LexerInvalidChar'],
    ['SELECT * FROM S3Object WHERE name = ?', 'LexerInvalidChar'],
    ['SELECT * FROM S3Object WHERE name = \uff07x\uff07', 'LexerInvalidChar'],
    ['SELECT * FROM S3Object WHERE name = E\'\\x27\'', 'ParseUnexpectedToken'],
    ['SELECT * FROM S3Object WHERE name::VARCHAR = 1', 'LexerInvalidChar'],
    ['SELECT "name"";DROP" FROM S3Object', 'EvaluatorBindingDoesNotExist'],
    // Literals out of range.
    ['SELECT * FROM S3Object WHERE age > 99999999999999999999', 'IntegerOverflow'],
    ['SELECT * FROM S3Object WHERE age > 1e999', 'LexerInvalidLiteral'],
    ['SELECT * FROM S3Object LIMIT 99999999999999999999', 'IntegerOverflow'],
  ])('%s → %s', (expression, code) => {
    expect(codeOf(expression)).toBe(code);
  });

  test('an expression over 256 KiB is ExpressionTooLong', () => {
    const literal = 'x'.repeat(256 * 1024);
    expect(codeOf(`SELECT * FROM S3Object WHERE name = '${literal}'`)).toBe('ExpressionTooLong');
    // Multi-byte characters count in bytes, as AWS counts them.
    expect(codeOf(`SELECT * FROM S3Object WHERE name = '${'é'.repeat(140 * 1024)}'`)).toBe('ExpressionTooLong');
  });

  test.each([
    ['parentheses', (n: number) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)} FROM S3Object`],
    ['NOT chains', (n: number) => `SELECT * FROM S3Object WHERE ${'NOT '.repeat(n)}TRUE`],
    ['unary minus', (n: number) => `SELECT ${'- '.repeat(n)}1 FROM S3Object`],
    ['left-deep arithmetic', (n: number) => `SELECT ${Array(n).fill('1').join(' + ')} FROM S3Object`],
    ['concatenation', (n: number) => `SELECT ${Array(n).fill("'a'").join(' || ')} FROM S3Object`],
    ['nested calls', (n: number) => `SELECT ${'LOWER('.repeat(n)}name${')'.repeat(n)} FROM S3Object`],
    ['nested CASE', (n: number) => `SELECT ${'CASE WHEN TRUE THEN '.repeat(n)}1${' END'.repeat(n)} FROM S3Object`],
  ])('deep nesting (%s) is ParseUnsupportedSyntax, never a stack overflow', (_name, build) => {
    expect(codeOf(build(50))).toBe('compiled');
    expect(codeOf(build(100))).toBe('ParseUnsupportedSyntax');
    expect(codeOf(build(10_000))).toBe('ParseUnsupportedSyntax');
  });

  test('operand repetition cannot grow the generated SQL without bound', () => {
    // Each level compares the previous one (a run-time-typed CSV value) three times over.
    let e = 'name';
    for (let i = 0; i < 30; i++) e = `CASE WHEN ${e} = age THEN name END`;
    expect(codeOf(`SELECT ${e} FROM S3Object`)).toBe('ExpressionTooLong');
  });
});

/** The user's string values are parameters; the SQL never contains them. */
function expectOnlyInParams(expression: string, values: string[], shape: CsvShape | JsonShape = csv): string {
  const compiled = compileSelect(expression, shape, SOURCE);
  expect(compiled.sql.startsWith('SELECT ')).toBe(true);
  expect(compiled.sql.split(SOURCE).length - 1).toBe(1);
  for (const value of values) {
    expect(compiled.params).toContain(value);
    expect(compiled.sql).not.toContain(value);
  }
  return compiled.sql;
}

describe('legal but odd: user text only in parameters', () => {
  test.each([
    ["SELECT * FROM S3Object WHERE name = '''); DROP TABLE t; --'", ["'); DROP TABLE t; --"]],
    ["SELECT * FROM S3Object WHERE name LIKE '%'' OR 1=1 --' ESCAPE '\\'", ["%' OR 1=1 --", '\\']],
    ["SELECT name || '; ATTACH ''/tmp/x''' FROM S3Object", ["; ATTACH '/tmp/x'"]],
    ["SELECT * FROM S3Object WHERE name IN ('a\"b', 'read_csv(''/etc/passwd'')')", ['a"b', "read_csv('/etc/passwd')"]],
    ["SELECT TRIM(BOTH '$9 x' FROM name) FROM S3Object", ['$9 x']],
    ["SELECT * FROM S3Object WHERE name = '/* */ -- \n ; \\'", ['/* */ -- \n ; \\']],
  ])('%s', (expression, values) => {
    expectOnlyInParams(expression, values);
  });

  test('comments never reach the SQL', () => {
    const sql = expectOnlyInParams("SELECT * /* ; ATTACH 'x' */ FROM S3Object -- ; COPY t TO 'y'\n", []);
    expect(sql).not.toMatch(/ATTACH|COPY/);
  });

  test('aliases never reach the SQL', () => {
    const compiled = compileSelect('SELECT name AS "x""; DROP TABLE t; --" FROM S3Object', csv, SOURCE);
    expect(compiled.columns[0].name).toBe('x"; DROP TABLE t; --');
    expect(compiled.sql).not.toContain('DROP');
  });

  test('a TO_STRING pattern reaches strftime as a parameter with % escaped', () => {
    const compiled = compileSelect("SELECT TO_STRING(UTCNOW(), 'y''%s'' ''; DROP''') FROM S3Object", csv, SOURCE);
    expect(compiled.params).toEqual(['%Y%%s ; DROP']);
    expect(compiled.sql).not.toContain('DROP');
  });
});

describe('hostile-looking queries run harmlessly in DuckDB', () => {
  const h = new SelectHarness();
  let src: string;
  beforeAll(async () => {
    await h.open();
    const doc = { "a'); COPY": 1, 'b"c': 2, 'd/e~f': 3, "'); DROP": "'); DROP" };
    src = h.jsonLinesSource(h.file('odd.json', `${JSON.stringify(doc)}\n`));
  });
  afterAll(() => h.close());

  test('quote characters in JSON keys are escaped in the path constant', async () => {
    const rows = await h.select(`SELECT s."a'); COPY" AS a, s."b""c" AS b, s."d/e~f" AS d FROM S3Object s`, json, src);
    expect(rows).toEqual([{ a: '1', b: '2', d: '3' }]);
  });

  test("a string containing '); DROP matches as data", async () => {
    const rows = await h.select(`SELECT COUNT(*) AS n FROM S3Object s WHERE s."'); DROP" = '''); DROP'`, json, src);
    expect(rows).toEqual([{ n: '1' }]);
  });

  test('a long flat OR chain compiles and runs', async () => {
    const chain = Array.from({ length: 300 }, (_, i) => `s."b""c" = ${i}`).join(' OR ');
    expect(await h.select(`SELECT COUNT(*) AS n FROM S3Object s WHERE ${chain}`, json, src)).toEqual([{ n: '1' }]);
  });
});
