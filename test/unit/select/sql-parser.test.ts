import { describe, expect, test } from 'vitest';
import { S3Error } from '../../../src/s3/errors.js';
import { parseSelect } from '../../../src/select/sql/parser.js';

function codeOf(expression: string): string {
  try {
    parseSelect(expression);
  } catch (err) {
    expect(err).toBeInstanceOf(S3Error);
    return (err as S3Error).code;
  }
  return 'parsed';
}

describe('S3 Select parser', () => {
  test('SELECT * with alias, WHERE and LIMIT', () => {
    const statement = parseSelect('select * from S3Object s where s.age > 30 limit 5');
    expect(statement.items).toBeUndefined();
    expect(statement.alias).toEqual({ name: 's', quoted: false });
    expect(statement.limit).toBe(5n);
    expect(statement.where).toMatchObject({ kind: 'compare', op: '>', right: { kind: 'int', value: 30n } });
  });

  test('FROM forms: AS alias, S3Object[*].path[*]', () => {
    expect(parseSelect('SELECT * FROM S3Object AS x').alias).toEqual({ name: 'x', quoted: false });
    expect(parseSelect('SELECT * FROM S3Object[*].a."B c"[*] r').fromPath).toEqual([
      { kind: 'wildcard' },
      { kind: 'name', name: 'a', quoted: false },
      { kind: 'name', name: 'B c', quoted: true },
      { kind: 'wildcard' },
    ]);
  });

  test('paths, aliases and precedence', () => {
    const statement = parseSelect(`SELECT s.a.b[2] AS x, s."Q" "y", 1 + 2 * 3, 'a' || 'b' FROM S3Object s`);
    expect(statement.items?.map((i) => i.alias)).toEqual(['x', 'y', undefined, undefined]);
    expect(statement.items?.[0].expr).toEqual({
      kind: 'path',
      steps: [
        { kind: 'name', name: 's', quoted: false },
        { kind: 'name', name: 'a', quoted: false },
        { kind: 'name', name: 'b', quoted: false },
        { kind: 'index', index: 2 },
      ],
    });
    expect(statement.items?.[2].expr).toMatchObject({ kind: 'arith', op: '+', right: { kind: 'arith', op: '*' } });
  });

  test('predicates: LIKE ESCAPE, NOT BETWEEN, NOT IN, IS NOT MISSING, flat AND/OR', () => {
    const where = parseSelect(
      "SELECT * FROM S3Object WHERE a LIKE 'x!%' ESCAPE '!' AND b NOT BETWEEN 1 AND 2 AND c NOT IN (1, 2) OR d IS NOT MISSING",
    ).where;
    expect(where).toMatchObject({
      kind: 'or',
      operands: [
        { kind: 'and', operands: [{ kind: 'like' }, { kind: 'between', negated: true }, { kind: 'in', negated: true }] },
        { kind: 'is', negated: true, test: 'MISSING' },
      ],
    });
  });

  test('special call forms: CAST, SUBSTRING, TRIM, EXTRACT, DATE_ADD, CASE', () => {
    const items = parseSelect(
      `SELECT CAST(a AS DECIMAL(10, 2)), SUBSTRING(a FROM 2 FOR 3), SUBSTRING(a, 2), TRIM(LEADING 'x' FROM a), TRIM(a),
       EXTRACT(YEAR FROM t), DATE_ADD(day, 1, t), DATE_DIFF(month, t, u), CASE a WHEN 1 THEN 'one' ELSE 'other' END,
       COUNT(*), char_length(a) FROM S3Object`,
    ).items!.map((i) => i.expr);
    expect(items[0]).toMatchObject({ kind: 'cast', type: 'DECIMAL', precision: 10, scale: 2 });
    expect(items[1]).toMatchObject({ kind: 'substring', length: { kind: 'int' } });
    expect(items[2]).toMatchObject({ kind: 'substring', length: undefined });
    expect(items[3]).toMatchObject({ kind: 'trim', side: 'LEADING', chars: { kind: 'string', value: 'x' } });
    expect(items[4]).toMatchObject({ kind: 'trim', side: 'BOTH', chars: undefined });
    expect(items[5]).toMatchObject({ kind: 'extract', part: 'YEAR' });
    expect(items[6]).toMatchObject({ kind: 'date_add', part: 'DAY' });
    expect(items[7]).toMatchObject({ kind: 'date_diff', part: 'MONTH' });
    expect(items[8]).toMatchObject({ kind: 'case', subject: { kind: 'path' } });
    expect(items[9]).toEqual({ kind: 'aggregate', name: 'COUNT' });
    expect(items[10]).toMatchObject({ kind: 'call', name: 'CHAR_LENGTH' });
  });

  test('comments are whitespace', () => {
    expect(parseSelect('SELECT /* all */ * FROM S3Object -- the object\n').items).toBeUndefined();
  });

  test.each([
    ['', 'ParseUnexpectedToken'],
    ['SELECT', 'ParseEmptySelect'],
    ['SELECT FROM S3Object', 'ParseEmptySelect'],
    ['SELECT a', 'ParseSelectMissingFrom'],
    ['SELECT *, a FROM S3Object', 'ParseAsteriskIsNotAloneInSelectList'],
    ['SELECT a, * FROM S3Object', 'ParseAsteriskIsNotAloneInSelectList'],
    ['SELECT a, s.* FROM S3Object s', 'ParseInvalidContextForWildcardInSelectList'],
    ['SELECT SUM(*) FROM S3Object', 'ParseUnsupportedCallWithStar'],
    ['SELECT LOWER(*) FROM S3Object', 'ParseUnsupportedCallWithStar'],
    ['SELECT SUM(a, b) FROM S3Object', 'ParseNonUnaryAgregateFunctionCall'],
    ['SELECT CAST a AS INT FROM S3Object', 'ParseExpectedLeftParenAfterCast'],
    ['SELECT CAST(a) FROM S3Object', 'ParseCastArity'],
    ['SELECT CAST(a AS BLOB) FROM S3Object', 'ParseExpectedTypeName'],
    ['SELECT CAST(a AS INT(3)) FROM S3Object', 'ParseInvalidTypeParam'],
    ['SELECT CAST(a AS DECIMAL(99)) FROM S3Object', 'ParseInvalidTypeParam'],
    ['SELECT * FROM S3Object LIMIT x', 'ParseExpectedNumber'],
    ['SELECT * FROM S3Object LIMIT -1', 'ParseExpectedNumber'],
    ['SELECT * FROM S3Object WHERE', 'ParseExpectedExpression'],
    ['SELECT * FROM S3Object WHERE a = = 1', 'ParseUnexpectedOperator'],
    ['SELECT * FROM S3Object WHERE a < b < c', 'ParseUnexpectedOperator'],
    ['SELECT * FROM S3Object WHERE a ! b', 'LexerInvalidOperator'],
    ['SELECT * FROM S3Object WHERE a # b', 'LexerInvalidChar'],
    ["SELECT * FROM S3Object WHERE a = 'open", 'LexerInvalidLiteral'],
    ['SELECT * FROM S3Object WHERE a = 12abc', 'LexerInvalidLiteral'],
    ['SELECT * FROM S3Object WHERE a = @', 'ParseMissingIdentAfterAt'],
    ['SELECT * FROM S3Object WHERE a = 99999999999999999999', 'IntegerOverflow'],
    ['SELECT EXTRACT(week FROM t) FROM S3Object', 'ParseExpectedDatePart'],
    ['SELECT foo(a) FROM S3Object', 'UnsupportedFunction'],
    ['SELECT * FROM S3Object GROUP BY a', 'UnsupportedSqlOperation'],
    ['SELECT * FROM S3Object ORDER BY a', 'UnsupportedSqlOperation'],
    ['SELECT * FROM S3Object s JOIN S3Object t', 'UnsupportedSqlOperation'],
    ['SELECT * FROM S3Object, S3Object', 'MultipleDataSourcesUnsupported'],
    ['SELECT * FROM (SELECT * FROM S3Object)', 'UnsupportedSqlStructure'],
    ['SELECT * FROM S3Object WHERE a IN (SELECT 1 FROM S3Object)', 'UnsupportedSqlStructure'],
    ['SELECT DISTINCT a FROM S3Object', 'ParseUnsupportedSyntax'],
    ['SELECT * FROM S3Object AS', 'ParseExpectedIdentForAlias'],
    ['SELECT * FROM S3Object WHERE a IS 3', 'ParseExpectedKeyword'],
    ['SELECT CASE a END FROM S3Object', 'ParseExpectedKeyword'],
    ['SELECT LOWER(a FROM S3Object', 'ParseExpectedArgumentDelimiter'],
    ['SELECT LOWER(a', 'ParseExpectedRightParenBuiltinFunctionCall'],
    ['SELECT * FROM Other', 'ParseUnexpectedToken'],
    ['SELECT * FROM S3Object s t', 'ParseUnexpectedToken'],
  ])('%s → %s', (expression, code) => {
    expect(codeOf(expression)).toBe(code);
  });
});
