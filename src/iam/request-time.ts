/** Request timestamps: parsing the two wire formats and the clock-skew rule. */
import { S3Error } from '../s3/errors.js';

export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `20130524T000000Z` → Date; undefined when malformed or not a real instant. */
export function parseAmzDate(text: string): Date | undefined {
  const m = ISO_BASIC.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 20130231 over to March; a rolled date is not what was sent.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return date;
}

/** An RFC 7231 / RFC 2616 HTTP date (`Tue, 27 Mar 2007 19:36:42 +0000`). */
export function parseHttpDate(text: string): Date | undefined {
  // IMF-fixdate, RFC 850 and asctime all lead with a weekday (or a day and month): requiring
  // that keeps Date.parse from reading bare numbers or ISO strings as HTTP dates.
  if (!/^[A-Za-z]{3,9},? |^\d{1,2}[ -][A-Za-z]{3}/.test(text.trim())) return undefined;
  // asctime carries no zone; HTTP dates are always GMT, and Date.parse would read local time.
  const ms = Date.parse(/^[A-Za-z]{3} [A-Za-z]{3} /.test(text.trim()) ? `${text} GMT` : text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Date → `20130524T000000Z`. */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function missingDateError(): S3Error {
  return new S3Error('AccessDenied', { message: 'AWS authentication requires a valid Date or x-amz-date header' });
}

/**
 * The request's own time for header-signed requests: x-amz-date (SigV4's
 * basic ISO form, or an HTTP date as SigV2 allows) before Date.
 */
export function headerRequestTime(headers: Record<string, string>): { time: Date; sent: string } {
  const amz = headers['x-amz-date'];
  if (amz !== undefined) {
    const time = parseAmzDate(amz) ?? parseHttpDate(amz);
    if (!time) throw missingDateError();
    return { time, sent: amz };
  }
  const date = headers['date'];
  const time = date === undefined ? undefined : parseHttpDate(date);
  if (!time || date === undefined) throw missingDateError();
  return { time, sent: date };
}

/** RequestTimeTooSkewed when |request − server| exceeds the allowed skew. */
export function checkSkew(requestTime: Date, sent: string, now: Date, maxSkewMs: number): void {
  if (Math.abs(requestTime.getTime() - now.getTime()) > maxSkewMs) {
    throw new S3Error('RequestTimeTooSkewed', {
      extra: {
        RequestTime: sent,
        ServerTime: now.toISOString(),
        MaxAllowedSkewMilliseconds: String(maxSkewMs),
      },
    });
  }
}
