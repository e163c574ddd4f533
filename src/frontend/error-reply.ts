import { S3Error } from '../s3/errors.js';
import { buildXml } from './xml/build.js';
import type { S3Reply } from './reply.js';

/**
 * The only place an error becomes an HTTP answer. Anything that is not an
 * S3Error is an internal fault: the client gets InternalError (its detail
 * goes to the log, never to the response).
 */
export function errorReply(err: unknown, requestId: string, resource: string): S3Reply {
  const s3 = err instanceof S3Error ? err : new S3Error('InternalError');
  const headers: S3Reply['headers'] = { ...s3.headers };
  if (s3.status === 304) return { status: 304, headers };
  const xml = buildXml(
    'Error',
    { Code: s3.code, Message: s3.message, ...s3.extra, Resource: s3.resource ?? resource, RequestId: requestId },
    { namespace: false },
  );
  return { status: s3.status, headers: { ...headers, 'content-type': 'application/xml' }, body: xml };
}
