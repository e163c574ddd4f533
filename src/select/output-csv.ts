import type { OutputColumn } from './query-shape.js';
import type { CsvOutput } from './request.js';

/** Turns one result row (VARCHAR or NULL per column) into the bytes of one output record. */
export type RowEncoder = (values: readonly (string | null)[]) => string;

/** A JSON value's text as a CSV field: a string's content, null as empty, anything else as JSON text. */
function jsonField(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

/** The fields one column contributes: a 'document' column expands to its object's values, in order. */
function fieldsOf(value: string | null, column: OutputColumn): string[] {
  if (value === null) return [''];
  switch (column.encoding) {
    case 'text':
      return [value];
    case 'json':
      return [value.startsWith('"') ? (JSON.parse(value) as string) : value];
    case 'document': {
      const parsed: unknown = JSON.parse(value);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [jsonField(parsed)];
      return Object.values(parsed as Record<string, unknown>).map(jsonField);
    }
  }
}

/**
 * CSV output records. QuoteFields ALWAYS quotes every field; ASNEEDED only a
 * field holding the field or record delimiter, a quote, or a line break.
 * A quote inside a quoted field is preceded by QuoteEscapeCharacter.
 */
export function csvRowEncoder(columns: readonly OutputColumn[], out: CsvOutput): RowEncoder {
  const { quoteCharacter: q, quoteEscapeCharacter: esc, fieldDelimiter, recordDelimiter } = out;
  const always = out.quoteFields === 'ALWAYS';
  const needsQuotes = (field: string): boolean =>
    field.includes(fieldDelimiter) || field.includes(q) || field.includes(recordDelimiter) || field.includes('\n') || field.includes('\r');
  const quote = (field: string): string => {
    if (!always && !needsQuotes(field)) return field;
    const escaped = field.includes(q) || (esc !== q && field.includes(esc)) ? escapeQuotes(field, q, esc) : field;
    return q + escaped + q;
  };
  return (values) => {
    const fields: string[] = [];
    values.forEach((value, i) => {
      for (const field of fieldsOf(value, columns[i])) fields.push(quote(field));
    });
    return fields.join(fieldDelimiter) + recordDelimiter;
  };
}

function escapeQuotes(field: string, q: string, esc: string): string {
  let result = '';
  for (const ch of field) result += ch === q || (esc !== q && ch === esc) ? esc + ch : ch;
  return result;
}
