import { describe, expect, it } from 'vitest';
import {
  checkCopySourcePreconditions,
  checkReadPreconditions,
  etagMatches,
  evaluatePreconditions,
  type ConditionTarget,
  type Preconditions,
} from '../../../src/s3/conditions.js';
import { thrown } from '../../helpers/errors.js';

/** The object: modified at 12:00:00.750 UTC, so the HTTP-date second is 12:00:00. */
const LAST_MODIFIED = new Date('2024-05-01T12:00:00.750Z');
const target: ConditionTarget = { etag: '9b2cf535f27731c974343645a3985328', lastModified: LAST_MODIFIED };
const ETAG = `"${target.etag}"`;
const OTHER = '"00000000000000000000000000000000"';

const BEFORE = 'Wed, 01 May 2024 11:59:59 GMT';
const SAME_SECOND = 'Wed, 01 May 2024 12:00:00 GMT';
const AFTER = 'Wed, 01 May 2024 12:00:01 GMT';

const evaluate = (p: Preconditions) => evaluatePreconditions(p, target);


describe('etagMatches', () => {
  it('compares with or without quotes', () => {
    expect(etagMatches('"abc"', 'abc')).toBe(true);
    expect(etagMatches('abc', 'abc')).toBe(true);
    expect(etagMatches('"abd"', 'abc')).toBe(false);
  });

  it('ignores the weak prefix', () => {
    expect(etagMatches('W/"abc"', 'abc')).toBe(true);
    expect(etagMatches('W/abc', 'abc')).toBe(true);
  });

  it('matches any member of a comma-separated list, with or without spaces', () => {
    expect(etagMatches('"x", "abc"', 'abc')).toBe(true);
    expect(etagMatches('"x","abc","y"', 'abc')).toBe(true);
    expect(etagMatches('"x" , W/"abc"', 'abc')).toBe(true);
    expect(etagMatches('"x", "y"', 'abc')).toBe(false);
  });

  it('* matches any ETag', () => {
    expect(etagMatches('*', 'abc')).toBe(true);
    expect(etagMatches(' * ', 'abc')).toBe(true);
    expect(etagMatches('"x", *', 'abc')).toBe(true);
  });

  it('matches multipart ETags exactly', () => {
    expect(etagMatches('"abc-3"', 'abc-3')).toBe(true);
    expect(etagMatches('"abc"', 'abc-3')).toBe(false);
  });

  it('is case-sensitive and does not match prefixes', () => {
    expect(etagMatches('"ABC"', 'abc')).toBe(false);
    expect(etagMatches('"ab"', 'abc')).toBe(false);
    expect(etagMatches('""', 'abc')).toBe(false);
    expect(etagMatches('', 'abc')).toBe(false);
  });
});

describe('evaluatePreconditions: single conditions', () => {
  it('no conditions → proceed', () => {
    expect(evaluate({})).toBe('proceed');
  });

  it('If-Match: matching → proceed, otherwise → failed', () => {
    expect(evaluate({ ifMatch: ETAG })).toBe('proceed');
    expect(evaluate({ ifMatch: '*' })).toBe('proceed');
    expect(evaluate({ ifMatch: `${OTHER}, ${ETAG}` })).toBe('proceed');
    expect(evaluate({ ifMatch: `W/${ETAG}` })).toBe('proceed');
    expect(evaluate({ ifMatch: OTHER })).toBe('failed');
    expect(evaluate({ ifMatch: '' })).toBe('failed');
  });

  it('If-None-Match: matching → not-modified, otherwise → proceed', () => {
    expect(evaluate({ ifNoneMatch: ETAG })).toBe('not-modified');
    expect(evaluate({ ifNoneMatch: '*' })).toBe('not-modified');
    expect(evaluate({ ifNoneMatch: `${OTHER}, ${ETAG}` })).toBe('not-modified');
    expect(evaluate({ ifNoneMatch: `W/${ETAG}` })).toBe('not-modified');
    expect(evaluate({ ifNoneMatch: OTHER })).toBe('proceed');
  });

  it('If-Modified-Since: modified after the date → proceed; at or before it → not-modified', () => {
    expect(evaluate({ ifModifiedSince: BEFORE })).toBe('proceed');
    expect(evaluate({ ifModifiedSince: SAME_SECOND })).toBe('not-modified');
    expect(evaluate({ ifModifiedSince: AFTER })).toBe('not-modified');
  });

  it('If-Unmodified-Since: modified after the date → failed; at or before it → proceed', () => {
    expect(evaluate({ ifUnmodifiedSince: BEFORE })).toBe('failed');
    expect(evaluate({ ifUnmodifiedSince: SAME_SECOND })).toBe('proceed');
    expect(evaluate({ ifUnmodifiedSince: AFTER })).toBe('proceed');
  });

  it('compares dates at one-second resolution (the milliseconds of Last-Modified are ignored)', () => {
    // Last-Modified is 12:00:00.750, yet it is "not modified since 12:00:00": an HTTP date cannot express the .750.
    expect(LAST_MODIFIED.getUTCMilliseconds()).toBe(750);
    expect(evaluate({ ifModifiedSince: SAME_SECOND })).toBe('not-modified');
    expect(evaluate({ ifUnmodifiedSince: SAME_SECOND })).toBe('proceed');
    const exact: ConditionTarget = { etag: target.etag, lastModified: new Date('2024-05-01T12:00:00.000Z') };
    expect(evaluatePreconditions({ ifModifiedSince: SAME_SECOND }, exact)).toBe('not-modified');
    expect(evaluatePreconditions({ ifModifiedSince: BEFORE }, exact)).toBe('proceed');
  });

  it('accepts the obsolete RFC 850 HTTP-date form', () => {
    expect(evaluate({ ifModifiedSince: 'Wednesday, 01-May-24 12:00:00 GMT' })).toBe('not-modified');
    expect(evaluate({ ifModifiedSince: 'Wednesday, 01-May-24 11:59:59 GMT' })).toBe('proceed');
  });

  it('reads the asctime HTTP-date form as GMT whatever the server time zone', () => {
    // RFC 7231 §7.1.1.1: recipients must accept asctime dates, which carry no zone and are always UTC.
    const saved = process.env.TZ;
    try {
      for (const zone of ['Asia/Tokyo', 'America/New_York']) {
        process.env.TZ = zone;
        expect(evaluate({ ifModifiedSince: 'Wed May  1 12:00:00 2024' }), zone).toBe('not-modified');
        expect(evaluate({ ifModifiedSince: 'Wed May  1 11:59:59 2024' }), zone).toBe('proceed');
        expect(evaluate({ ifUnmodifiedSince: 'Wed May  1 12:00:00 2024' }), zone).toBe('proceed');
        expect(evaluate({ ifUnmodifiedSince: 'Wed May  1 11:59:59 2024' }), zone).toBe('failed');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('ignores invalid dates, as S3 does', () => {
    for (const bad of ['garbage', 'Wed, 32 May 2024 99:00:00 GMT', 'yesterday', 'NaN']) {
      expect(evaluate({ ifModifiedSince: bad }), bad).toBe('proceed');
      expect(evaluate({ ifUnmodifiedSince: bad }), bad).toBe('proceed');
    }
    expect(evaluate({ ifModifiedSince: '' })).toBe('proceed');
    expect(evaluate({ ifUnmodifiedSince: '' })).toBe('proceed');
  });

  it('ignores values that are not HTTP dates even if JavaScript can read them as dates', () => {
    // "1" and "2024" are not HTTP-dates; Date() reads them as 2001-01-01 and 2024-01-01.
    for (const notAnHttpDate of ['1', '0', '2024']) {
      expect(evaluate({ ifUnmodifiedSince: notAnHttpDate }), notAnHttpDate).toBe('proceed');
    }
  });
});

describe('evaluatePreconditions: precedence (RFC 7232 §6, as S3 documents for GetObject/HeadObject)', () => {
  it('If-Match true + If-Unmodified-Since false → proceed (200)', () => {
    expect(evaluate({ ifMatch: ETAG, ifUnmodifiedSince: BEFORE })).toBe('proceed');
  });

  it('If-Match false + If-Unmodified-Since true → failed', () => {
    expect(evaluate({ ifMatch: OTHER, ifUnmodifiedSince: AFTER })).toBe('failed');
  });

  it('If-None-Match false + If-Modified-Since true → not-modified (304)', () => {
    // "false" for If-None-Match means the ETag matches.
    expect(evaluate({ ifNoneMatch: ETAG, ifModifiedSince: BEFORE })).toBe('not-modified');
  });

  it('If-None-Match true + If-Modified-Since false → proceed (If-Modified-Since is ignored)', () => {
    expect(evaluate({ ifNoneMatch: OTHER, ifModifiedSince: AFTER })).toBe('proceed');
  });

  it('a failing If-Match wins over a matching If-None-Match (412 before 304)', () => {
    expect(evaluate({ ifMatch: OTHER, ifNoneMatch: ETAG })).toBe('failed');
  });

  it('a failing If-Unmodified-Since wins over a true If-Modified-Since check', () => {
    expect(evaluate({ ifUnmodifiedSince: BEFORE, ifModifiedSince: AFTER })).toBe('failed');
    expect(evaluate({ ifUnmodifiedSince: BEFORE, ifNoneMatch: ETAG })).toBe('failed');
  });

  it('a passing If-Match then evaluates If-None-Match', () => {
    expect(evaluate({ ifMatch: ETAG, ifNoneMatch: ETAG })).toBe('not-modified');
    expect(evaluate({ ifMatch: ETAG, ifNoneMatch: OTHER })).toBe('proceed');
    expect(evaluate({ ifMatch: ETAG, ifModifiedSince: AFTER })).toBe('not-modified');
  });

  it('all four together', () => {
    expect(evaluate({ ifMatch: ETAG, ifUnmodifiedSince: BEFORE, ifNoneMatch: OTHER, ifModifiedSince: AFTER })).toBe('proceed');
    expect(evaluate({ ifMatch: ETAG, ifUnmodifiedSince: BEFORE, ifNoneMatch: ETAG, ifModifiedSince: BEFORE })).toBe('not-modified');
    expect(evaluate({ ifMatch: OTHER, ifUnmodifiedSince: AFTER, ifNoneMatch: OTHER, ifModifiedSince: BEFORE })).toBe('failed');
  });

  it('an invalid If-Unmodified-Since does not rescue a failing If-Match', () => {
    expect(evaluate({ ifMatch: OTHER, ifUnmodifiedSince: 'garbage' })).toBe('failed');
  });
});

describe('checkReadPreconditions', () => {
  it('does nothing when the preconditions hold', () => {
    expect(thrown(() => checkReadPreconditions({}, target))).toBeUndefined();
    expect(thrown(() => checkReadPreconditions({ ifMatch: ETAG, ifModifiedSince: BEFORE }, target))).toBeUndefined();
  });

  it('throws PreconditionFailed (412) for a failed precondition', () => {
    for (const p of [{ ifMatch: OTHER }, { ifUnmodifiedSince: BEFORE }] as Preconditions[]) {
      const err = thrown(() => checkReadPreconditions(p, target));
      expect(err?.code).toBe('PreconditionFailed');
      expect(err?.status).toBe(412);
    }
    expect(thrown(() => checkReadPreconditions({ ifMatch: OTHER }, target))?.extra).toEqual({ Condition: 'If-Match' });
  });

  it('throws NotModified (304) carrying the quoted ETag and Last-Modified', () => {
    for (const p of [{ ifNoneMatch: ETAG }, { ifModifiedSince: AFTER }] as Preconditions[]) {
      const err = thrown(() => checkReadPreconditions(p, target));
      expect(err?.code).toBe('NotModified');
      expect(err?.status).toBe(304);
      expect(err?.headers).toEqual({ etag: ETAG, 'last-modified': 'Wed, 01 May 2024 12:00:00 GMT' });
    }
  });
});

describe('checkCopySourcePreconditions', () => {
  const copyCheck = (p: Preconditions) => thrown(() => checkCopySourcePreconditions(p, target));

  it('does nothing when the copy-source conditions hold', () => {
    expect(copyCheck({})).toBeUndefined();
    expect(copyCheck({ ifMatch: ETAG })).toBeUndefined();
    expect(copyCheck({ ifNoneMatch: OTHER })).toBeUndefined();
    expect(copyCheck({ ifModifiedSince: BEFORE })).toBeUndefined();
    expect(copyCheck({ ifUnmodifiedSince: AFTER })).toBeUndefined();
  });

  it('x-amz-copy-source-if-match true + if-unmodified-since false → copy proceeds', () => {
    expect(copyCheck({ ifMatch: ETAG, ifUnmodifiedSince: BEFORE })).toBeUndefined();
  });

  it('x-amz-copy-source-if-none-match false + if-modified-since true → 412, not 304', () => {
    const err = copyCheck({ ifNoneMatch: ETAG, ifModifiedSince: BEFORE });
    expect(err?.code).toBe('PreconditionFailed');
    expect(err?.status).toBe(412);
  });

  it('every failing condition is a 412 PreconditionFailed', () => {
    for (const p of [{ ifMatch: OTHER }, { ifNoneMatch: ETAG }, { ifModifiedSince: AFTER }, { ifUnmodifiedSince: BEFORE }] as Preconditions[]) {
      const err = copyCheck(p);
      expect(err?.code, JSON.stringify(p)).toBe('PreconditionFailed');
      expect(err?.status).toBe(412);
    }
    expect(copyCheck({ ifMatch: OTHER })?.extra).toEqual({ Condition: 'x-amz-copy-source-If-Match' });
  });
});
