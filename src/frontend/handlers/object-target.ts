import { S3Error } from '../../s3/errors.js';
import type { S3Request } from '../context.js';

type ObjectOp = Extract<S3Request['op'], { target: 'object' }>;

export function objectOf(req: S3Request): { bucket: string; key: string } {
  const op = req.op as ObjectOp;
  return { bucket: op.bucket, key: op.key };
}

/**
 * The versionId query parameter. Until versioning lands every object has the
 * single version "null"; an empty value is malformed, as in AWS.
 */
export function versionIdOf(req: S3Request): string | undefined {
  const value = req.query.get('versionId');
  if (value === null) return undefined;
  if (value === '') throw new S3Error('InvalidArgument', { message: 'Version id cannot be the empty string', extra: { ArgumentName: 'versionId' } });
  return value;
}
