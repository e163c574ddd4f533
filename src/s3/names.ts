import { S3Error } from './errors.js';

export const MAX_KEY_BYTES = 1024;

const BUCKET_CHARS = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** AWS general-purpose bucket naming rules. Returns the reason a name is invalid, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket name must be between 3 and 63 characters long';
  if (!BUCKET_CHARS.test(name)) {
    return 'Bucket name can consist only of lowercase letters, numbers, dots and hyphens, and must begin and end with a letter or number';
  }
  if (name.includes('..')) return 'Bucket name must not contain two adjacent periods';
  if (name.includes('.-') || name.includes('-.')) return 'Bucket name must not contain a period next to a hyphen';
  if (IPV4.test(name)) return 'Bucket name must not be formatted as an IP address';
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-')) {
    return 'Bucket name must not start with a reserved prefix';
  }
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3') || name.endsWith('.mrap') || name.endsWith('--x-s3') || name.endsWith('--table-s3')) {
    return 'Bucket name must not end with a reserved suffix';
  }
  return undefined;
}

export function assertValidBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem) throw new S3Error('InvalidBucketName', { message: problem, extra: { BucketName: name } });
}

/**
 * Rules every backend applies to object keys: non-empty, at most 1024 UTF-8
 * bytes, no NUL or other C0 control except tab/newline/CR (which S3 allows
 * but XML 1.0 cannot carry), and no `.` or `..` path segment (splitting on
 * both slashes), which S3 clients and file systems would otherwise resolve.
 */
export function assertValidObjectKey(key: string): void {
  if (key.length === 0) throw new S3Error('InvalidArgument', { message: 'Object key must not be empty' });
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', { extra: { Size: String(Buffer.byteLength(key, 'utf8')), MaxSizeAllowed: String(MAX_KEY_BYTES) } });
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(key)) {
    throw new S3Error('InvalidArgument', { message: 'Object key contains a control character', extra: { ArgumentName: 'key' } });
  }
  if (key.split(/[/\\]/).some((segment) => segment === '.' || segment === '..')) {
    throw new S3Error('InvalidArgument', { message: 'Object key must not contain "." or ".." path segments', extra: { ArgumentName: 'key' } });
  }
}
