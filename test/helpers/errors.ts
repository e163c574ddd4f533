import { S3ServiceException } from '@aws-sdk/client-s3';
import { isS3Error, type S3Error } from '../../src/s3/errors.js';

/** The S3Error a synchronous call throws, or undefined when it does not throw. */
export function thrown(fn: () => void): S3Error | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (isS3Error(err)) return err;
    throw err;
  }
}

/** The error name and HTTP status an SDK call fails with; fails the test when it succeeds. */
export async function sdkErrorOf(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  throw new Error('expected the request to fail');
}
