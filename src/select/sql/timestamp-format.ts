import { S3Error } from '../../s3/errors.js';

/**
 * TO_STRING's pattern letters (Java DateTimeFormatter style, as S3 Select
 * documents them) translated to a DuckDB strftime format. Timestamps are UTC
 * instants, so offset patterns print the UTC offset.
 */
const LETTER_RUNS: Record<string, string> = {
  y: '%Y', yy: '%y', yyy: '%Y', yyyy: '%Y',
  M: '%-m', MM: '%m', MMM: '%b', MMMM: '%B',
  d: '%-d', dd: '%d',
  a: '%p',
  h: '%-I', hh: '%I',
  H: '%-H', HH: '%H',
  m: '%-M', mm: '%M',
  s: '%-S', ss: '%S',
  S: '%g', SS: '%g', SSS: '%g', SSSS: '%f', SSSSS: '%f', SSSSSS: '%f',
  n: '%n',
  X: 'Z', XX: 'Z', XXX: 'Z', XXXX: 'Z', XXXXX: 'Z',
  x: '+00', xx: '+0000', xxx: '+00:00', xxxx: '+0000', xxxxx: '+00:00',
};

export function strftimeFormat(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      // 'quoted text' is literal; '' is one quote, inside quoted text or out.
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new S3Error('IllegalSqlFunctionArgument', { message: 'Unterminated quote in the TO_STRING pattern.' });
        if (pattern[j] !== "'") out += escapePercent(pattern[j++]);
        else if (pattern[j + 1] === "'") {
          out += "'";
          j += 2;
        } else break;
      }
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const run = pattern.slice(i, j);
      const translated = LETTER_RUNS[run];
      if (translated === undefined) {
        throw new S3Error('IllegalSqlFunctionArgument', { message: `Unsupported TO_STRING pattern letters: ${run.slice(0, 16)}` });
      }
      out += translated;
      i = j;
      continue;
    }
    out += escapePercent(c);
    i++;
  }
  return out;
}

function escapePercent(text: string): string {
  return text.replaceAll('%', '%%');
}
