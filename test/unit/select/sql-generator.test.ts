import { describe, expect, test } from 'vitest';
import { compileSelect } from '../../../src/select/compile.js';
import type { CsvShape, JsonShape, ParquetShape } from '../../../src/select/query-shape.js';
import { strftimeFormat } from '../../../src/select/sql/timestamp-format.js';
import { jsonPointer } from '../../../src/select/sql/references.js';

const SOURCE = 'read_csv(\'/staged\')';
const csv: CsvShape = { format: 'CSV', columnCount: 3, headerNames: ['id', 'Name', 'x'] };
const json: JsonShape = { format: 'JSON' };

describe('S3 Select SQL generator', () => {
  test('FROM is the given source; output columns are positional SQL aliases', () => {
    const compiled = compileSelect("SELECT id, name AS n, 1 + 1 FROM S3Object WHERE Name = 'a' LIMIT 3", csv, SOURCE);
    expect(compiled.sql).toBe(
      `SELECT "_1" AS "_1", "_2" AS "_2", CAST((CAST(1 AS BIGINT) + CAST(1 AS BIGINT)) AS VARCHAR) AS "_3" ` +
        `FROM ${SOURCE} WHERE ("_2" = CAST($1 AS VARCHAR)) LIMIT 3`,
    );
    expect(compiled.params).toEqual(['a']);
    expect(compiled.columns).toEqual([
      { name: 'id', encoding: 'text' },
      { name: 'n', encoding: 'text' },
      { name: '_3', encoding: 'json' },
    ]);
  });

  test('SELECT * over CSV, JSON and Parquet', () => {
    expect(compileSelect('SELECT * FROM S3Object', csv, SOURCE).columns.map((c) => c.name)).toEqual(['id', 'Name', 'x']);
    expect(compileSelect('SELECT * FROM S3Object', { format: 'CSV', columnCount: 2 }, SOURCE).columns).toEqual([
      { name: '_1', encoding: 'text' },
      { name: '_2', encoding: 'text' },
    ]);
    expect(compileSelect('SELECT s.* FROM S3Object s', json, SOURCE).columns).toEqual([{ name: '_1', encoding: 'document' }]);
    const parquet: ParquetShape = { format: 'Parquet', columns: [{ name: 'a"b', type: 'BIGINT' }, { name: 'c', type: 'VARCHAR' }] };
    const compiled = compileSelect('SELECT * FROM S3Object', parquet, SOURCE);
    expect(compiled.columns).toEqual([{ name: 'a"b', encoding: 'json' }, { name: 'c', encoding: 'text' }]);
    expect(compiled.sql).toContain('"a""b"');
  });

  test('JSON paths become escaped JSON pointers; output names are the last path name', () => {
    const compiled = compileSelect(`SELECT s.a."it's"[3], s['k/~'] FROM S3Object s`, json, SOURCE);
    expect(compiled.sql).toContain(`json_extract("_doc", '/a/it''s/3')`);
    expect(compiled.sql).toContain(`json_extract("_doc", '/k~1~0')`);
    expect(compiled.columns).toEqual([{ name: '_1', encoding: 'json' }, { name: 'k/~', encoding: 'json' }]);
    expect(jsonPointer([{ kind: 'name', name: 'a/b~c', quoted: true }, { kind: 'index', index: 0 }])).toBe('/a~1b~0c/0');
  });

  test('aggregates with LIMIT bound the input records', () => {
    const compiled = compileSelect('SELECT COUNT(*) FROM S3Object WHERE x > 1 LIMIT 10', csv, SOURCE);
    expect(compiled.sql).toMatch(/^SELECT CAST\(count\(\*\) AS VARCHAR\) AS "_1" FROM \(SELECT \* FROM .* WHERE .* LIMIT 10\) AS "_limited"$/);
  });

  test('TO_STRING patterns translate to strftime', () => {
    expect(strftimeFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")).toBe('%Y-%m-%dT%H:%M:%S.%gZ');
    expect(strftimeFormat('MMMM d, y h:m a')).toBe('%B %-d, %Y %-I:%-M %p');
    expect(strftimeFormat("'it''s' 100%")).toBe("it's 100%%");
  });
});
