import { describe, expect, it } from 'vitest';
import { csvRowEncoder } from '../../../src/select/output-csv.js';
import { jsonRowEncoder } from '../../../src/select/output-json.js';
import type { OutputColumn } from '../../../src/select/query-shape.js';
import type { CsvOutput } from '../../../src/select/request.js';

const csv: CsvOutput = { format: 'CSV', quoteFields: 'ASNEEDED', recordDelimiter: '\n', fieldDelimiter: ',', quoteCharacter: '"', quoteEscapeCharacter: '"' };
const cols = (...encodings: OutputColumn['encoding'][]): OutputColumn[] => encodings.map((encoding, i) => ({ name: `_${i + 1}`, encoding }));

describe('CSV output', () => {
  it('quotes only as needed, escaping quotes', () => {
    const encode = csvRowEncoder(cols('text', 'text', 'text', 'text'), csv);
    expect(encode(['plain', 'a,b', 'say "hi"', 'two\nlines'])).toBe('plain,"a,b","say ""hi""","two\nlines"\n');
    expect(encode(['', null, 'x', 'y'])).toBe(',,x,y\n');
  });

  it('quotes always with custom characters', () => {
    const encode = csvRowEncoder(cols('text', 'text'), { ...csv, quoteFields: 'ALWAYS', fieldDelimiter: '\t', recordDelimiter: '\r\n', quoteCharacter: "'", quoteEscapeCharacter: '\\' });
    expect(encode(["it's", 'b'])).toBe("'it\\'s'\t'b'\r\n");
  });

  it('writes JSON-encoded values and documents as fields', () => {
    expect(csvRowEncoder(cols('json', 'json', 'json'), csv)(['"a,b"', '12.5', '[1,2]'])).toBe('"a,b",12.5,"[1,2]"\n');
    expect(csvRowEncoder(cols('document'), csv)(['{"a":"x","b":2,"c":{"d":true},"e":null}'])).toBe('x,2,"{""d"":true}",\n');
  });
});

describe('JSON output', () => {
  it('writes one object per row, leaving MISSING out', () => {
    const encode = jsonRowEncoder([{ name: 'name', encoding: 'text' }, { name: 'n', encoding: 'json' }, { name: 'gone', encoding: 'text' }], { format: 'JSON', recordDelimiter: '\n' });
    expect(encode(['a "q"', '[1,{"b":2}]', null])).toBe('{"name":"a \\"q\\"","n":[1,{"b":2}]}\n');
  });

  it('passes a document through on one line', () => {
    const encode = jsonRowEncoder([{ name: '_1', encoding: 'document' }], { format: 'JSON', recordDelimiter: ',' });
    expect(encode(['{"a":1}'])).toBe('{"a":1},');
    expect(encode(['{\n  "a": 1\n}'])).toBe('{"a":1},');
  });
});
