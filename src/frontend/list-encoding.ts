import { S3Error } from '../s3/errors.js';

/** Query parameters every S3 listing shares: encoding-type and the max-* counts. */

/** S3's url encoding-type: percent-encode all but unreserved characters and '/'. */
export function urlEncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Whether encoding-type=url was asked for; any other value is InvalidArgument. */
export function wantsUrlEncoding(query: URLSearchParams): boolean {
  const encoding = query.get('encoding-type');
  if (encoding !== null && encoding.toLowerCase() !== 'url') {
    throw new S3Error('InvalidArgument', { message: 'Invalid Encoding Method specified in Request', extra: { ArgumentName: 'encoding-type', ArgumentValue: encoding } });
  }
  return encoding !== null;
}

/** Encodes listing values (keys, prefixes, markers) when url encoding was asked for. */
export function listingEncoder(encodeUrl: boolean): (value: string | undefined) => string | undefined {
  return (value) => (value === undefined || !encodeUrl ? value : urlEncodeKey(value));
}

/**
 * A non-negative integer parameter such as max-keys, max-uploads, max-parts or
 * part-number-marker: absent or empty gives `fallback`, larger values are capped
 * at `cap`, anything else is InvalidArgument naming the parameter.
 */
export function parseCount(value: string | null | undefined, name: string, options: { fallback: number; cap?: number }): number {
  if (value === null || value === undefined || value === '') return options.fallback;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2 ** 31 - 1) {
    throw new S3Error('InvalidArgument', { message: `Provided ${name} not an integer or within integer range`, extra: { ArgumentName: name, ArgumentValue: value } });
  }
  return options.cap === undefined ? Number(value) : Math.min(Number(value), options.cap);
}
