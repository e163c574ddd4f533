import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileSelect } from '../../../src/select/compile.js';
import type { CsvShape, JsonShape, ParquetShape } from '../../../src/select/query-shape.js';
import { SelectHarness } from './duckdb-harness.js';

const h = new SelectHarness();
const json: JsonShape = { format: 'JSON' };
const people: CsvShape = { format: 'CSV', columnCount: 3, headerNames: ['Name', 'age', 'City'] };
const plain: CsvShape = { format: 'CSV', columnCount: 3 };
let peopleSrc: string;
let plainSrc: string;
let linesSrc: string;
let docSrc: string;
let parquet: ParquetShape;
let parquetSrc: string;

beforeAll(async () => {
  await h.open();
  const csv = 'Name,age,City\nAlice,31,Paris\nBob,25,Oslo\nCarol,40,"Rome, IT"\nDan,x,Lima\n';
  peopleSrc = h.csvSource(h.file('people.csv', csv), people, true);
  plainSrc = h.csvSource(h.file('plain.csv', '1,2,3\n10,9,z\n4,5\n'), plain, false);
  const lines = [
    '{"name":"Alice","age":31,"tags":["a","b"],"addr":{"city":"Paris","zip":"75001"},"ok":true,"n":null,"Mixed Case":1}',
    '{"name":"Bob","age":25.5,"tags":[],"addr":{"city":"Oslo"},"ok":false}',
    '{"name":"Carol","age":40,"tags":["c"],"ok":true,"when":"2021-03-04T05:06:07Z"}',
  ].join('\n');
  linesSrc = h.jsonLinesSource(h.file('people.json', `${lines}\n`));
  docSrc = h.jsonDocumentSource(h.file('doc.json', '{"rules":[{"id":1,"cond":{"x":1}},{"id":2,"cond":{"x":2}}],"meta":{"v":3}}'));
  const path = await h.writeParquet(
    'p.parquet',
    "SELECT * FROM (VALUES (1::BIGINT, 'one', 1.5::DOUBLE, {'k': 7}), (2::BIGINT, 'two', 2.0::DOUBLE, {'k': 8})) t(id, label, score, nested)",
  );
  parquet = { format: 'Parquet', columns: await h.parquetColumns(path) };
  parquetSrc = h.parquetSource(path);
});

afterAll(() => h.close());

describe('CSV', () => {
  test('SELECT * names columns by header, compares a field with a number numerically', async () => {
    const src = h.csvSource(h.file('numeric.csv', 'Name,age,City\nAlice,31,Paris\nBob,25,Oslo\nCarol, 40 ,"Rome, IT"\n'), people, true);
    expect(await h.select('SELECT * FROM S3Object s WHERE s.age > 30 AND s.age < 100', people, src)).toEqual([
      { Name: 'Alice', age: '31', City: 'Paris' },
      { Name: 'Carol', age: ' 40 ', City: 'Rome, IT' },
    ]);
  });

  test('header names: unquoted case-insensitive, quoted exact; positional still works', async () => {
    expect(await h.select('SELECT name, "City", _2 FROM S3Object WHERE CITY = \'Oslo\'', people, peopleSrc)).toEqual([
      { name: 'Bob', City: 'Oslo', _2: '25' },
    ]);
    expect(() => compileSelect('SELECT "city" FROM S3Object', people, peopleSrc)).toThrow(expect.objectContaining({ code: 'EvaluatorBindingDoesNotExist' }));
    expect(() => compileSelect('SELECT s._0 FROM S3Object s', people, peopleSrc)).toThrow(expect.objectContaining({ code: 'InvalidColumnIndex' }));
  });

  test('a non-numeric field in a numeric comparison fails the query with a conversion error', async () => {
    expect(await h.failure('SELECT * FROM S3Object s WHERE s.age > 30', people, peopleSrc)).toMatch(/Conversion Error/);
  });

  test('headerless: positional, beyond range is MISSING, field-to-field comparison infers numbers', async () => {
    expect(await h.select('SELECT s._1, s._3, s._9 FROM S3Object s', plain, plainSrc)).toEqual([
      { _1: '1', _3: '3' },
      { _1: '10', _3: 'z' },
      { _1: '4' },
    ]);
    // 10 > 9 numerically although '10' < '9' as text.
    expect(await h.select('SELECT _1 FROM S3Object WHERE _1 > _2', plain, plainSrc)).toEqual([{ _1: '10' }]);
    expect(await h.select('SELECT _1 FROM S3Object WHERE _3 IS MISSING', plain, plainSrc)).toEqual([{ _1: '4' }]);
  });

  test('aggregates, with LIMIT bounding the records aggregated', async () => {
    const where = "WHERE Name <> 'Dan'";
    expect(await h.select(`SELECT COUNT(*), SUM(age), AVG(age), MIN(age), MAX(age) AS oldest FROM S3Object ${where}`, people, peopleSrc)).toEqual([
      { _1: '3', _2: '96', _3: '32', _4: '25', oldest: '40' },
    ]);
    expect(await h.select('SELECT COUNT(*) FROM S3Object LIMIT 2', people, peopleSrc)).toEqual([{ _1: '2' }]);
    expect(await h.select('SELECT COUNT(City) AS c FROM S3Object', people, peopleSrc)).toEqual([{ c: '4' }]);
  });

  test('LIMIT, aliases and output names', async () => {
    expect(await h.select('SELECT s.Name AS who, LOWER(s.City) FROM S3Object AS s LIMIT 1', people, peopleSrc)).toEqual([
      { who: 'Alice', _2: 'paris' },
    ]);
  });
});

describe('operators and functions', () => {
  const one = async (expression: string): Promise<Record<string, string>> => {
    const rows = await h.select(`SELECT ${expression} FROM S3Object s LIMIT 1`, people, peopleSrc);
    return rows[0];
  };

  test('arithmetic: integers stay integral, floats print shortest', async () => {
    expect(await one('1 + 2, 7 / 2, 7 % 3, 7.0 / 2, 2 * s.age, -s.age, 0.1 + 0.2, 1.5 * 2')).toEqual({
      _1: '3', _2: '3', _3: '1', _4: '3.5', _5: '62', _6: '-31', _7: '0.30000000000000004', _8: '3',
    });
  });

  test('string functions', async () => {
    expect(
      await one(
        "s.Name || '!' , CHAR_LENGTH(s.Name), CHARACTER_LENGTH('héllo'), UPPER(s.City), SUBSTRING('123456789', 0, 3), " +
          "SUBSTRING('123456789' FROM 4), SUBSTRING('123456789' FROM 2 FOR 3), TRIM('  x  '), TRIM(LEADING 'x' FROM 'xxaxx'), " +
          "TRIM(TRAILING FROM 'a  '), TRIM(BOTH 'xy' FROM 'xyaxy')",
      ),
    ).toEqual({
      _1: 'Alice!', _2: '5', _3: '5', _4: 'PARIS', _5: '12', _6: '456789', _7: '234', _8: 'x', _9: 'axx', _10: 'a', _11: 'a',
    });
  });

  test('|| is one bounded concatenation: NULL if any operand is, refused past 1 MiB before the string is built', async () => {
    expect(await one("s.Name || '-' || (s.City || '/' || s.age), 'a' || NULL || 'b', 1 || 'x' || 2.5")).toEqual({
      _1: 'Alice-Paris/31', _3: '1x2.5',
    });
    const big = h.csvSource(h.file('big.csv', `${'x'.repeat(300_000)}\n`), { format: 'CSV', columnCount: 1 }, false);
    const shape: CsvShape = { format: 'CSV', columnCount: 1 };
    expect(await h.select('SELECT CHAR_LENGTH(_1 || _1 || _1) FROM S3Object', shape, big)).toEqual([{ _1: '900000' }]);
    const built = compileSelect(`SELECT _1 || _1 FROM S3Object`, shape, big).sql;
    expect(built).toContain('concat(');
    expect(built).not.toContain('||');
    expect(await h.failure('SELECT UPPER(_1 || (_1 || _1) || _1) FROM S3Object', shape, big)).toMatch(/built string exceeds the maximum record size/);
  });

  test('predicates', async () => {
    expect(
      await one(
        "s.Name LIKE 'A%', s.Name NOT LIKE '_lice', 'a%b' LIKE 'a!%b' ESCAPE '!', s.age BETWEEN 30 AND 31, " +
          "s.age NOT BETWEEN 30 AND 31, s.age IN (1, 31), s.Name IN ('Bob', 'Carol'), s.City = 'Paris' OR FALSE, NOT (1 = 1), 2 <> 3",
      ),
    ).toEqual({
      _1: 'true', _2: 'false', _3: 'true', _4: 'true', _5: 'false', _6: 'true', _7: 'false', _8: 'true', _9: 'false', _10: 'true',
    });
  });

  test('CASE, COALESCE, NULLIF, CAST', async () => {
    expect(
      await one(
        "CASE WHEN s.age > 30 THEN 'old' ELSE 'young' END, CASE s.Name WHEN 'Bob' THEN 1 WHEN 'Alice' THEN 2 END, " +
          "COALESCE(NULL, s.Name), NULLIF(1, 1), NULLIF(s.age, 30), CAST(s.age AS INT) + 1, CAST('3.9' AS INTEGER), " +
          "CAST(s.age AS FLOAT) / 2, CAST('1.50' AS DECIMAL(5, 2)), CAST(1 AS STRING) || 'x', CAST('true' AS BOOL), " +
          "CAST('2020-01-02T03:04:05Z' AS TIMESTAMP)",
      ),
    ).toEqual({
      _1: 'old', _2: '2', _3: 'Alice', _5: '31', _6: '32', _7: '3', _8: '15.5', _9: '1.50', _10: '1x', _11: 'true',
      _12: '2020-01-02T03:04:05Z',
    });
  });

  test('timestamps', async () => {
    expect(
      await one(
        "TO_TIMESTAMP('2007T'), TO_TIMESTAMP('2007-02T'), TO_TIMESTAMP('2007-02-23T12:14Z'), " +
          "TO_TIMESTAMP('2007-02-23T12:14:33.079-08:00'), EXTRACT(YEAR FROM TO_TIMESTAMP('2007-02-23T')), " +
          "DATE_ADD(month, 2, TO_TIMESTAMP('2010-01-31T')), DATE_DIFF(day, TO_TIMESTAMP('2010-01-01T23:00:00Z'), TO_TIMESTAMP('2010-01-02T01:00:00Z')), " +
          "DATE_DIFF(year, `2010-01-01T`, `2011-01-01T`), TO_STRING(TO_TIMESTAMP('2007-02-03T04:05:06Z'), 'MMMM d, y HH:mm:ss'), " +
          "UTCNOW() > TO_TIMESTAMP('2020T')",
      ),
    ).toEqual({
      _1: '2007-01-01T00:00:00Z', _2: '2007-02-01T00:00:00Z', _3: '2007-02-23T12:14:00Z', _4: '2007-02-23T20:14:33.079Z',
      _5: '2007', _6: '2010-03-31T00:00:00Z', _7: '0', _8: '1', _9: 'February 3, 2007 04:05:06', _10: 'true',
    });
  });
});

describe('JSON', () => {
  test('SELECT * keeps each document; paths keep JSON types; MISSING is omitted', async () => {
    const all = await h.select('SELECT * FROM S3Object[*] s WHERE s.age > 30', json, linesSrc);
    expect(all.map((r) => JSON.parse(r._1).name)).toEqual(['Alice', 'Carol']);
    expect(await h.select('SELECT s.name, s.addr.city, s.tags[1], s.ok, s.n, s."Mixed Case" FROM S3Object s', json, linesSrc)).toEqual([
      { name: '"Alice"', city: '"Paris"', _3: '"b"', ok: 'true', n: 'null', 'Mixed Case': '1' },
      { name: '"Bob"', city: '"Oslo"', ok: 'false' },
      { name: '"Carol"', ok: 'true' },
    ]);
  });

  test('IS NULL covers null and missing; IS MISSING only missing', async () => {
    const names = async (where: string): Promise<string[]> =>
      (await h.select(`SELECT s.name AS n FROM S3Object s WHERE ${where}`, json, linesSrc)).map((r) => JSON.parse(r.n));
    expect(await names('s.n IS NULL')).toEqual(['Alice', 'Bob', 'Carol']);
    expect(await names('s.n IS NOT MISSING')).toEqual(['Alice']);
    expect(await names('s.addr.zip IS MISSING')).toEqual(['Bob', 'Carol']);
    expect(await names("s.addr.city = 'Oslo' OR s.ok = false")).toEqual(['Bob']);
    expect(await names('s.age BETWEEN 25 AND 26')).toEqual(['Bob']);
    expect(await names("TO_TIMESTAMP(s.\"when\") < TO_TIMESTAMP('2022T')")).toEqual(['Carol']);
  });

  test('aggregates over JSON numbers', async () => {
    expect(await h.select('SELECT SUM(s.age) AS total, MAX(s.age), COUNT(s.addr) FROM S3Object s', json, linesSrc)).toEqual([
      { total: '96.5', _2: '40', _3: '2' },
    ]);
  });

  test('S3Object[*].path and [*] descend and unnest', async () => {
    expect(await h.select('SELECT r.id, r.cond.x FROM S3Object[*].rules[*] r WHERE r.id > 1', json, docSrc)).toEqual([{ id: '2', x: '2' }]);
    expect(await h.select('SELECT * FROM S3Object[*].meta', json, docSrc)).toEqual([{ _1: '{"v":3}' }]);
    expect(await h.select('SELECT t FROM S3Object[*].rules[*].id t', json, docSrc)).toEqual([{ _1: '1' }, { _1: '2' }]);
  });

  test('a computed value mixed with JSON values stays JSON', async () => {
    expect(await h.select('SELECT COALESCE(s.addr.zip, 0) AS z FROM S3Object s', json, linesSrc)).toEqual([
      { z: '"75001"' }, { z: '0' }, { z: '0' },
    ]);
  });
});

describe('Parquet', () => {
  test('SELECT * and typed columns', async () => {
    expect(await h.select('SELECT * FROM S3Object', parquet, parquetSrc)).toEqual([
      { id: '1', label: 'one', score: '1.5', nested: '{"k":7}' },
      { id: '2', label: 'two', score: '2', nested: '{"k":8}' },
    ]);
    expect(await h.select('SELECT s.label, s.nested.k FROM S3Object s WHERE s.id = 2 AND s.score >= 2', parquet, parquetSrc)).toEqual([
      { label: 'two', k: '8' },
    ]);
    expect(() => compileSelect('SELECT nope FROM S3Object', parquet, parquetSrc)).toThrow(expect.objectContaining({ code: 'EvaluatorBindingDoesNotExist' }));
  });
});

describe('compile-time semantic errors', () => {
  test.each([
    ['SELECT COUNT(*), Name FROM S3Object', 'ParseUnsupportedSyntax'],
    ['SELECT COUNT(*) + age FROM S3Object', 'ParseUnsupportedSyntax'],
    ['SELECT SUM(COUNT(*)) FROM S3Object', 'ParseUnsupportedSyntax'],
    ['SELECT * FROM S3Object WHERE COUNT(*) > 1', 'ParseUnsupportedSyntax'],
    ['SELECT t.* FROM S3Object s', 'InvalidTableAlias'],
    ['SELECT LOWER(a, b) FROM S3Object', 'EvaluatorInvalidArguments'],
    ['SELECT NULLIF(a) FROM S3Object', 'EvaluatorInvalidArguments'],
    ["SELECT TO_STRING(UTCNOW(), Name) FROM S3Object", 'IncorrectSqlFunctionArgumentType'],
    ["SELECT TO_STRING(UTCNOW(), 'QQQ') FROM S3Object", 'IllegalSqlFunctionArgument'],
    ["SELECT * FROM S3Object WHERE Name LIKE 'a' ESCAPE 'ab'", 'LikeInvalidInputs'],
    ['SELECT TRUE + 1 FROM S3Object', 'IncorrectSqlFunctionArgumentType'],
    ['SELECT * FROM S3Object[*].a', 'UnsupportedSyntax'],
  ])('%s → %s', (expression, code) => {
    expect(() => compileSelect(expression, people, peopleSrc)).toThrow(expect.objectContaining({ code }));
  });
});
