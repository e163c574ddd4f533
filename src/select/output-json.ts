import type { RowEncoder } from './output-csv.js';
import type { OutputColumn } from './query-shape.js';
import type { JsonOutput } from './request.js';

/** JSON text on one line: DuckDB keeps a document's own layout, and an output record must not span lines. */
function oneLine(json: string): string {
  return json.includes('\n') || json.includes('\r') ? JSON.stringify(JSON.parse(json)) : json;
}

/**
 * JSON output records: one object per row with the columns by name, a NULL
 * (MISSING) column left out; a 'document' column is the whole record.
 */
export function jsonRowEncoder(columns: readonly OutputColumn[], out: JsonOutput): RowEncoder {
  const keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
  if (columns.length === 1 && columns[0].encoding === 'document') return (values) => (values[0] === null ? '{}' : oneLine(values[0])) + out.recordDelimiter;
  return (values) => {
    const members: string[] = [];
    values.forEach((value, i) => {
      if (value === null) return;
      const encoding = columns[i].encoding;
      members.push(keys[i] + (encoding === 'text' ? JSON.stringify(value) : oneLine(value)));
    });
    return `{${members.join(',')}}${out.recordDelimiter}`;
  };
}
