import { describe, expect, it } from 'vitest';
import { parseSelectRequest } from '../../../src/select/request.js';

function xml(inner: string): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</SelectObjectContentRequest>`);
}

const BASIC = '<Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL</ExpressionType>';
const CSV_IN = '<InputSerialization><CSV/></InputSerialization>';
const CSV_OUT = '<OutputSerialization><CSV/></OutputSerialization>';

function code(body: Buffer): string {
  try {
    parseSelectRequest(body);
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'none';
}

describe('SelectObjectContentRequest parsing', () => {
  it('reads defaults', () => {
    const r = parseSelectRequest(xml(BASIC + CSV_IN + CSV_OUT));
    expect(r).toEqual({
      expression: 'SELECT * FROM S3Object',
      compression: 'NONE',
      input: { format: 'CSV', fileHeaderInfo: 'NONE', recordDelimiter: '\n', fieldDelimiter: ',', quoteCharacter: '"', quoteEscapeCharacter: '"', comments: '', allowQuotedRecordDelimiter: false },
      output: { format: 'CSV', quoteFields: 'ASNEEDED', recordDelimiter: '\n', fieldDelimiter: ',', quoteCharacter: '"', quoteEscapeCharacter: '"' },
      requestProgress: false,
      scanRange: undefined,
    });
  });

  it('decodes character references and keeps the expression text', () => {
    const r = parseSelectRequest(
      xml(
        '<Expression>SELECT s._1 FROM S3Object s WHERE s._2 &gt; 3 AND s._3 &lt;&gt; &apos;a&amp;b&apos;</Expression><ExpressionType>SQL</ExpressionType>' +
          '<InputSerialization><CompressionType>NONE</CompressionType><CSV><FileHeaderInfo>USE</FileHeaderInfo><RecordDelimiter>&#x0D;&#x0A;</RecordDelimiter><FieldDelimiter>&#9;</FieldDelimiter><Comments>#</Comments></CSV></InputSerialization>' +
          '<OutputSerialization><JSON><RecordDelimiter>&#x0A;</RecordDelimiter></JSON></OutputSerialization>' +
          '<RequestProgress><Enabled>true</Enabled></RequestProgress><ScanRange><Start>0</Start><End>99</End></ScanRange>',
      ),
    );
    expect(r.expression).toBe("SELECT s._1 FROM S3Object s WHERE s._2 > 3 AND s._3 <> 'a&b'");
    expect(r.input).toMatchObject({ fileHeaderInfo: 'USE', recordDelimiter: '\r\n', fieldDelimiter: '\t', comments: '#' });
    expect(r.output).toEqual({ format: 'JSON', recordDelimiter: '\n' });
    expect(r.requestProgress).toBe(true);
    expect(r.scanRange).toEqual({ start: 0, end: 99 });
  });

  it('answers with AWS error codes', () => {
    expect(code(Buffer.alloc(0))).toBe('EmptyRequestBody');
    expect(code(xml('<ExpressionType>SQL</ExpressionType>' + CSV_IN + CSV_OUT))).toBe('MissingRequiredParameter');
    expect(code(xml('<Expression>SELECT 1</Expression><ExpressionType>XPATH</ExpressionType>' + CSV_IN + CSV_OUT))).toBe('InvalidExpressionType');
    expect(code(xml(BASIC + '<InputSerialization><CSV><FileHeaderInfo>MAYBE</FileHeaderInfo></CSV></InputSerialization>' + CSV_OUT))).toBe('InvalidFileHeaderInfo');
    expect(code(xml(BASIC + '<InputSerialization><JSON><Type>TREE</Type></JSON></InputSerialization>' + CSV_OUT))).toBe('InvalidJsonType');
    expect(code(xml(BASIC + '<InputSerialization><CompressionType>ZSTD</CompressionType><CSV/></InputSerialization>' + CSV_OUT))).toBe('InvalidCompressionFormat');
    expect(code(xml(BASIC + CSV_IN + '<OutputSerialization><CSV><QuoteFields>NEVER</QuoteFields></CSV></OutputSerialization>'))).toBe('InvalidQuoteFields');
    expect(code(xml(BASIC + '<InputSerialization><CSV/><JSON/></InputSerialization>' + CSV_OUT))).toBe('ObjectSerializationConflict');
    expect(code(xml(BASIC + '<InputSerialization></InputSerialization>' + CSV_OUT))).toBe('MissingRequiredParameter');
    expect(code(xml(BASIC + CSV_IN))).toBe('MissingRequiredParameter');
    expect(code(xml(BASIC + CSV_IN + CSV_OUT + '<ScanRange><Start>10</Start><End>5</End></ScanRange>'))).toBe('InvalidScanRange');
    expect(code(xml(BASIC + CSV_IN + CSV_OUT + '<ScanRange><Start>-1</Start></ScanRange>'))).toBe('InvalidScanRange');
    expect(code(xml(BASIC + '<InputSerialization><CompressionType>GZIP</CompressionType><CSV/></InputSerialization>' + CSV_OUT + '<ScanRange><Start>1</Start></ScanRange>'))).toBe(
      'UnsupportedScanRangeInput',
    );
    expect(code(xml(BASIC + '<InputSerialization><Parquet/></InputSerialization>' + CSV_OUT + '<ScanRange><End>5</End></ScanRange>'))).toBe('UnsupportedScanRangeInput');
    expect(code(xml(BASIC + '<InputSerialization><CSV><FieldDelimiter>ab</FieldDelimiter></CSV></InputSerialization>' + CSV_OUT))).toBe('InvalidRequestParameter');
  });

  it('refuses entity declarations', () => {
    const body = Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><SelectObjectContentRequest><Expression>&e;</Expression></SelectObjectContentRequest>');
    expect(code(body)).toBe('MalformedXML');
  });
});
