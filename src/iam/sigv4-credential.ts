/**
 * The SigV4 credential (`AKID/20130524/us-east-1/s3/aws4_request`) and the
 * rules its scope must satisfy. The same problems are reported under two
 * codes: AuthorizationHeaderMalformed for the header form,
 * AuthorizationQueryParametersError for presigned URLs.
 */
import { S3Error } from '../s3/errors.js';

export interface Credential4 {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminal: string;
}

/** Splits from the right, so only the access key could hold a '/'; the region may be empty. */
export function parseCredential(text: string): Credential4 | undefined {
  const parts = text.split('/');
  if (parts.length < 5) return undefined;
  const [date, region, service, terminal] = parts.slice(-4);
  const accessKeyId = parts.slice(0, -4).join('/');
  if (accessKeyId === '' || !/^\d{8}$/.test(date)) return undefined;
  return { accessKeyId, date, region, service, terminal };
}

export function scopeString(c: Credential4): string {
  return `${c.date}/${c.region}/${c.service}/${c.terminal}`;
}

export interface ScopeProblem {
  detail: string;
  extra?: Record<string, string>;
}

export const MALFORMED_CREDENTIAL: ScopeProblem = {
  detail: 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
};

/**
 * Region: the configured one, '' or 'US' (clients that predate regions, and
 * S3's legacy name for us-east-1). Service: s3. The scope date must be the
 * request date's day, or the signature would be made with another day's key.
 */
export function scopeProblem(c: Credential4, configuredRegion: string, amzDate: string): ScopeProblem | undefined {
  if (c.region !== configuredRegion && c.region !== '' && c.region !== 'US') {
    return {
      detail: `the region '${c.region}' is wrong; expecting '${configuredRegion}'`,
      extra: { Region: configuredRegion },
    };
  }
  if (c.service !== 's3') return { detail: `incorrect service "${c.service}". This endpoint belongs to "s3".` };
  if (c.terminal !== 'aws4_request') {
    return { detail: `incorrect terminal "${c.terminal}". This endpoint uses "aws4_request".` };
  }
  if (c.date !== amzDate.slice(0, 8)) {
    return { detail: `Invalid credential date "${c.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".` };
  }
  return undefined;
}

export function headerMalformed(problem: ScopeProblem): S3Error {
  return new S3Error('AuthorizationHeaderMalformed', {
    message: `The authorization header is malformed; ${problem.detail}`,
    extra: problem.extra,
  });
}

export function queryMalformed(problem: ScopeProblem): S3Error {
  return new S3Error('AuthorizationQueryParametersError', {
    message: `Error parsing the X-Amz-Credential parameter; ${problem.detail}`,
    extra: problem.extra,
  });
}
