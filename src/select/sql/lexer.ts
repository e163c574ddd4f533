import { S3Error } from '../../s3/errors.js';
import type { Token } from './tokens.js';

const TWO_CHAR_OPS = new Set(['!=', '<>', '<=', '>=', '||']);
const ONE_CHAR_OPS = new Set(['=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', '[', ']', ';']);

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** NUL would end the statement early in DuckDB's C API; no quoted text may carry it. */
function refuseNul(text: string): void {
  if (text.includes('\0')) throw new S3Error('LexerInvalidChar');
}

/**
 * Splits an expression into tokens. Comments (`-- …` and `/* … *\/`) are
 * whitespace: they never reach the parser, let alone DuckDB.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  const push = (kind: Token['kind'], text: string, pos: number): void => {
    tokens.push({ kind, text, upper: kind === 'ident' ? text.toUpperCase() : text, pos });
  };

  while (i < n) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '-' && source[i + 1] === '-') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new S3Error('LexerInvalidChar', { message: 'Unterminated comment in the SQL expression.' });
      i = end + 2;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(source[i])) i++;
      push('ident', source.slice(start, i), start);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      i = scanNumber(source, i);
      push('number', source.slice(start, i), start);
      continue;
    }
    if (c === "'" || c === '"') {
      const [text, next] = scanQuoted(source, i, c);
      refuseNul(text);
      push(c === "'" ? 'string' : 'quoted', text, start);
      i = next;
      continue;
    }
    if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) throw new S3Error('LexerInvalidLiteral');
      const text = source.slice(i + 1, end);
      refuseNul(text);
      push('ion', text, start);
      i = end + 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      push('op', two, start);
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      push('op', c, start);
      i++;
      continue;
    }
    if (c === '@') {
      const after = source[i + 1] ?? '';
      if (!isIdentStart(after) && after !== '"') throw new S3Error('ParseMissingIdentAfterAt');
      throw new S3Error('ParseUnsupportedSyntax', { message: 'The @ operator is not supported in the SQL expression.' });
    }
    if (c === '!' || c === '|' || c === '&' || c === '^' || c === '~') {
      throw new S3Error('LexerInvalidOperator');
    }
    throw new S3Error('LexerInvalidChar');
  }
  tokens.push({ kind: 'eof', text: '', upper: '', pos: n });
  return tokens;
}

/** Digits, an optional fraction and an optional exponent; a letter glued on is an invalid literal. */
function scanNumber(source: string, i: number): number {
  const digits = (): void => {
    while (i < source.length && isDigit(source[i])) i++;
  };
  digits();
  if (source[i] === '.' && isDigit(source[i + 1] ?? '')) {
    i++;
    digits();
  } else if (source[i] === '.' && !isIdentStart(source[i + 1] ?? '') && source[i + 1] !== '*' && source[i + 1] !== '"') {
    i++; // "1." is a number; "a.1" never reaches here
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j++;
    if (!isDigit(source[j] ?? '')) throw new S3Error('LexerInvalidLiteral');
    i = j;
    digits();
  }
  if (i < source.length && isIdentPart(source[i])) throw new S3Error('LexerInvalidLiteral');
  return i;
}

/** Reads a quoted run where a doubled quote stands for one quote. */
function scanQuoted(source: string, i: number, quote: string): [string, number] {
  let text = '';
  let j = i + 1;
  for (;;) {
    const end = source.indexOf(quote, j);
    if (end < 0) throw new S3Error('LexerInvalidLiteral');
    text += source.slice(j, end);
    if (source[end + 1] === quote) {
      text += quote;
      j = end + 2;
      continue;
    }
    return [text, end + 1];
  }
}
