import { S3Error } from './errors.js';
import { parseHttpDate } from './http-date.js';

/** The four HTTP preconditions S3 honours on GET/HEAD (and, prefixed, on copy sources). */
export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

export interface ConditionTarget {
  etag: string;
  lastModified: Date;
}

/** Outcome of evaluating preconditions, following RFC 7232 §6 as S3 applies it. */
export type ConditionOutcome = 'proceed' | 'not-modified' | 'failed';

/** ETag lists compare without quotes and without the weak prefix; `*` matches any. */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((candidate) => {
    const c = candidate.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return c === '*' || c === etag;
  });
}

/** HTTP dates have one-second resolution. */
function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/**
 * S3's order: If-Match beats If-Unmodified-Since (a matching If-Match makes a
 * false If-Unmodified-Since irrelevant), If-None-Match beats If-Modified-Since.
 * Invalid dates are ignored, as S3 does.
 */
export function evaluatePreconditions(p: Preconditions, target: ConditionTarget): ConditionOutcome {
  const modifiedSince = parseHttpDate(p.ifModifiedSince);
  const unmodifiedSince = parseHttpDate(p.ifUnmodifiedSince);
  if (p.ifMatch !== undefined) {
    if (!etagMatches(p.ifMatch, target.etag)) return 'failed';
  } else if (unmodifiedSince && seconds(target.lastModified) > seconds(unmodifiedSince)) {
    return 'failed';
  }
  if (p.ifNoneMatch !== undefined) {
    if (etagMatches(p.ifNoneMatch, target.etag)) return 'not-modified';
  } else if (modifiedSince && seconds(target.lastModified) <= seconds(modifiedSince)) {
    return 'not-modified';
  }
  return 'proceed';
}

/** The header that decided a non-proceed outcome, for the error's Condition element. */
function failedCondition(p: Preconditions, outcome: Exclude<ConditionOutcome, 'proceed'>): string {
  if (outcome === 'failed') return p.ifMatch !== undefined ? 'If-Match' : 'If-Unmodified-Since';
  return p.ifNoneMatch !== undefined ? 'If-None-Match' : 'If-Modified-Since';
}

/** Throws the S3 error for a GET/HEAD whose preconditions do not hold. */
export function checkReadPreconditions(p: Preconditions, target: ConditionTarget): void {
  const outcome = evaluatePreconditions(p, target);
  if (outcome === 'failed') throw new S3Error('PreconditionFailed', { extra: { Condition: failedCondition(p, outcome) } });
  if (outcome === 'not-modified') {
    throw new S3Error('NotModified', {
      headers: { etag: `"${target.etag}"`, 'last-modified': target.lastModified.toUTCString() },
    });
  }
}

/** Copy-source conditions: a not-modified outcome is also a 412 for copies. */
export function checkCopySourcePreconditions(p: Preconditions, target: ConditionTarget): void {
  const outcome = evaluatePreconditions(p, target);
  if (outcome !== 'proceed') {
    throw new S3Error('PreconditionFailed', { extra: { Condition: `x-amz-copy-source-${failedCondition(p, outcome)}` } });
  }
}

/** The conditions of a write (PUT, completion), checked against what the key holds at commit time. */
export interface WriteConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export function checkWriteConditions(conditions: WriteConditions, current: { etag: string } | undefined): void {
  if (conditions.ifNoneMatch !== undefined && current && etagMatches(conditions.ifNoneMatch, current.etag)) {
    throw new S3Error('PreconditionFailed', { extra: { Condition: 'If-None-Match' } });
  }
  if (conditions.ifMatch !== undefined) {
    // S3 answers a conditional write on a missing key with 404.
    if (!current) throw new S3Error('NoSuchKey', { message: 'The object named by If-Match does not exist' });
    if (!etagMatches(conditions.ifMatch, current.etag)) throw new S3Error('PreconditionFailed', { extra: { Condition: 'If-Match' } });
  }
}

export function checkSourceEtag(expected: string | undefined, actual: string): void {
  if (expected !== undefined && !etagMatches(expected, actual)) {
    throw new S3Error('PreconditionFailed', { message: 'The source object changed', extra: { Condition: 'x-amz-copy-source-If-Match' } });
  }
}
