import { S3Error, type S3ErrorCode } from '../s3/errors.js';
import { childElement, childText, parseXml, type XmlElement } from '../frontend/xml/parse.js';

/**
 * A SelectObjectContentRequest, parsed and validated the way AWS validates
 * it. Character references in the XML (`&#x0A;`, `&#9;`, `&gt;`) arrive
 * decoded: the project's XML parser decodes numeric and the five named
 * references and refuses any declared entity.
 */

export type Compression = 'NONE' | 'GZIP' | 'BZIP2';

export interface CsvInput {
  format: 'CSV';
  fileHeaderInfo: 'USE' | 'IGNORE' | 'NONE';
  recordDelimiter: string;
  fieldDelimiter: string;
  quoteCharacter: string;
  quoteEscapeCharacter: string;
  /** Lines starting with this character are skipped; empty: no comment lines. */
  comments: string;
  allowQuotedRecordDelimiter: boolean;
}

export interface JsonInput {
  format: 'JSON';
  type: 'DOCUMENT' | 'LINES';
}

export interface ParquetInput {
  format: 'Parquet';
}

export type InputFormat = CsvInput | JsonInput | ParquetInput;

export interface CsvOutput {
  format: 'CSV';
  quoteFields: 'ALWAYS' | 'ASNEEDED';
  recordDelimiter: string;
  fieldDelimiter: string;
  quoteCharacter: string;
  quoteEscapeCharacter: string;
}

export interface JsonOutput {
  format: 'JSON';
  recordDelimiter: string;
}

export type OutputFormat = CsvOutput | JsonOutput;

/** Inclusive byte offsets; `end` alone means the last `end` bytes (resolved against the size later). */
export interface ScanRange {
  start?: number;
  end?: number;
}

export interface SelectRequest {
  expression: string;
  input: InputFormat;
  compression: Compression;
  output: OutputFormat;
  requestProgress: boolean;
  scanRange?: ScanRange;
}

function fail(code: S3ErrorCode, message?: string): never {
  throw new S3Error(code, { message });
}

/** A required child: absent is MissingRequiredParameter, as AWS answers. */
function required(parent: XmlElement, name: string): XmlElement {
  return childElement(parent, name) ?? fail('MissingRequiredParameter', `The SelectRequest entity is missing a required parameter: ${name}.`);
}

function enumValue<T extends string>(text: string | undefined, allowed: readonly T[], fallback: T, code: S3ErrorCode): T {
  if (text === undefined || text === '') return fallback;
  const upper = text.trim().toUpperCase();
  const found = allowed.find((v) => v === upper);
  return found ?? fail(code);
}

function booleanValue(text: string | undefined, name: string): boolean {
  if (text === undefined) return false;
  const v = text.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  return fail('InvalidRequestParameter', `The value of ${name} is not a boolean.`);
}

/** A delimiter-like setting: absent or empty takes the default; AWS allows one character (CRLF as a record delimiter too). */
function characterValue(text: string | undefined, fallback: string, name: string, maxChars = 1): string {
  if (text === undefined || text === '') return fallback;
  if ([...text].length > maxChars) fail('InvalidRequestParameter', `The value of ${name} must be a single character.`);
  return text;
}

function parseCsvInput(csv: XmlElement): CsvInput {
  const quote = characterValue(childText(csv, 'QuoteCharacter'), '"', 'QuoteCharacter');
  return {
    format: 'CSV',
    fileHeaderInfo: enumValue(childText(csv, 'FileHeaderInfo'), ['USE', 'IGNORE', 'NONE'] as const, 'NONE', 'InvalidFileHeaderInfo'),
    recordDelimiter: characterValue(childText(csv, 'RecordDelimiter'), '\n', 'RecordDelimiter', 2),
    fieldDelimiter: characterValue(childText(csv, 'FieldDelimiter'), ',', 'FieldDelimiter'),
    quoteCharacter: quote,
    // Unset, a quote is escaped by doubling it, whatever the quote character is.
    quoteEscapeCharacter: characterValue(childText(csv, 'QuoteEscapeCharacter'), quote, 'QuoteEscapeCharacter'),
    comments: characterValue(childText(csv, 'Comments'), '', 'Comments'),
    allowQuotedRecordDelimiter: booleanValue(childText(csv, 'AllowQuotedRecordDelimiter'), 'AllowQuotedRecordDelimiter'),
  };
}

/** Exactly one of the named children; none is MissingRequiredParameter, several ObjectSerializationConflict. */
function onlyChild(parent: XmlElement, names: readonly string[], what: string): [string, XmlElement] {
  const present = names.flatMap((name) => parent.children.get(name)?.map((el) => [name, el] as [string, XmlElement]) ?? []);
  if (present.length === 0) fail('MissingRequiredParameter', `The SelectRequest entity is missing a required parameter: ${what}.`);
  if (present.length > 1) fail('ObjectSerializationConflict');
  return present[0];
}

function parseInput(el: XmlElement): { input: InputFormat; compression: Compression } {
  const compression = enumValue(childText(el, 'CompressionType'), ['NONE', 'GZIP', 'BZIP2'] as const, 'NONE', 'InvalidCompressionFormat');
  const [name, format] = onlyChild(el, ['CSV', 'JSON', 'Parquet'], 'InputSerialization format');
  if (name === 'CSV') return { input: parseCsvInput(format), compression };
  if (name === 'JSON') {
    const type = enumValue(childText(format, 'Type'), ['DOCUMENT', 'LINES'] as const, 'DOCUMENT', 'InvalidJsonType');
    return { input: { format: 'JSON', type }, compression };
  }
  // Parquet is compressed inside the file format; whole-file compression is refused as AWS does.
  if (compression !== 'NONE') fail('InvalidRequestParameter', 'CompressionType must be NONE for Parquet input.');
  return { input: { format: 'Parquet' }, compression };
}

function parseOutput(el: XmlElement): OutputFormat {
  const [name, format] = onlyChild(el, ['CSV', 'JSON'], 'OutputSerialization format');
  if (name === 'JSON') return { format: 'JSON', recordDelimiter: characterValue(childText(format, 'RecordDelimiter'), '\n', 'RecordDelimiter', 2) };
  const quote = characterValue(childText(format, 'QuoteCharacter'), '"', 'QuoteCharacter');
  return {
    format: 'CSV',
    quoteFields: enumValue(childText(format, 'QuoteFields'), ['ALWAYS', 'ASNEEDED'] as const, 'ASNEEDED', 'InvalidQuoteFields'),
    recordDelimiter: characterValue(childText(format, 'RecordDelimiter'), '\n', 'RecordDelimiter', 2),
    fieldDelimiter: characterValue(childText(format, 'FieldDelimiter'), ',', 'FieldDelimiter'),
    quoteCharacter: quote,
    quoteEscapeCharacter: characterValue(childText(format, 'QuoteEscapeCharacter'), quote, 'QuoteEscapeCharacter'),
  };
}

function offset(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[0-9]{1,15}$/.test(t)) fail('InvalidScanRange');
  return Number(t);
}

function parseScanRange(el: XmlElement | undefined): ScanRange | undefined {
  if (!el) return undefined;
  const range = { start: offset(childText(el, 'Start')), end: offset(childText(el, 'End')) };
  if (range.start === undefined && range.end === undefined) return undefined;
  if (range.start !== undefined && range.end !== undefined && range.start > range.end) fail('InvalidScanRange');
  return range;
}

export function parseSelectRequest(body: Buffer): SelectRequest {
  if (body.length === 0) fail('EmptyRequestBody');
  const doc = parseXml(body.toString('utf8'), 'SelectObjectContentRequest');
  const expression = childText(doc, 'Expression');
  if (expression === undefined || expression.trim() === '') fail('MissingRequiredParameter', 'The SelectRequest entity is missing a required parameter: Expression.');
  const expressionType = childText(doc, 'ExpressionType');
  if (expressionType === undefined) fail('MissingRequiredParameter', 'The SelectRequest entity is missing a required parameter: ExpressionType.');
  if (expressionType.trim().toUpperCase() !== 'SQL') fail('InvalidExpressionType');
  const { input, compression } = parseInput(required(doc, 'InputSerialization'));
  const output = parseOutput(required(doc, 'OutputSerialization'));
  const progress = childElement(doc, 'RequestProgress');
  const scanRange = parseScanRange(childElement(doc, 'ScanRange'));
  if (scanRange) assertScanRangeSupported(input, compression);
  return { expression, input, compression, output, requestProgress: booleanValue(progress && childText(progress, 'Enabled'), 'Enabled'), scanRange };
}

/** AWS scans ranges of uncompressed CSV and JSON LINES only. */
function assertScanRangeSupported(input: InputFormat, compression: Compression): void {
  if (compression !== 'NONE') fail('UnsupportedScanRangeInput', 'Scan range queries are not supported on compressed objects.');
  if (input.format === 'Parquet') fail('UnsupportedScanRangeInput', 'Scan range queries are not supported on Parquet objects.');
  if (input.format === 'JSON' && input.type === 'DOCUMENT') fail('UnsupportedScanRangeInput', 'Scan range queries are not supported on JSON DOCUMENT objects.');
}
