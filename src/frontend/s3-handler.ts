import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../iam/authenticate.js';
import { S3Error, isS3Error } from '../s3/errors.js';
import { assertValidBucketName } from '../s3/names.js';
import type { FrontDoorDeps, S3Request } from './context.js';
import { dispatch } from './dispatch.js';
import { errorReply } from './error-reply.js';
import { bodyHeadersFor } from './handlers/multipart-complete.js';
import { sendReply, type S3Reply } from './reply.js';
import { buildIncomingBody, readSmallBody, type ReceivedBody } from './request-body.js';
import { bucketFromHost, route, type Operation } from './router.js';

/** What the access log and metrics record about one request. */
export interface RequestRecord {
  id: string;
  operation: string;
  bucket?: string;
  key?: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
}

/** Random bytes for request ids, fetched in bulk: one randomBytes call per request cost ~2% of a small GET. */
let idPool = Buffer.alloc(0);
let idPoolOffset = 0;

/** AWS-style request id: 16 upper-case hex characters. */
export function newRequestId(): string {
  if (idPoolOffset + 8 > idPool.length) {
    idPool = randomBytes(8 * 512);
    idPoolOffset = 0;
  }
  idPoolOffset += 8;
  return idPool.toString('hex', idPoolOffset - 8, idPoolOffset).toUpperCase();
}

/** Header values as SigV4 wants them: lower-case names, repeated values joined with ','. */
export function flattenHeaders(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(incoming.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(',');
  }
  return headers;
}

export function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

/** Unread bodies up to this size are drained to keep the connection alive. */
const MAX_DRAINED_BODY_BYTES = 1 << 20;

function hasRequestBody(headers: Record<string, string>): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

/**
 * Serves one S3 request end to end: route (pure), authenticate, dispatch,
 * answer. Every failure, wherever it happens, becomes one S3 error reply.
 */
export async function serveS3(incoming: IncomingMessage, outgoing: ServerResponse, deps: FrontDoorDeps, record: RequestRecord): Promise<void> {
  const method = incoming.method ?? 'GET';
  const headers = flattenHeaders(incoming);
  const { rawPath, rawQuery } = splitUrl(incoming.url ?? '/');
  const abort = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) abort.abort();
  });
  let body: ReceivedBody | undefined;
  let reply: S3Reply;
  try {
    const query = new URLSearchParams(rawQuery);
    const op: Operation = route({ method, rawPath, query, headers }, { domains: deps.settings.domains });
    record.operation = op.name;
    if (op.target !== 'service') record.bucket = op.bucket;
    if (op.target === 'object') record.key = op.key;
    const auth = await authenticate(
      {
        method,
        rawPath,
        rawQuery,
        headers,
        bucket: op.target === 'service' ? undefined : op.bucket,
        virtualHosted: bucketFromHost(headers.host, deps.settings.domains) !== undefined,
        now: new Date(),
      },
      deps.credentials,
      { region: deps.settings.region },
    );
    if (auth.kind === 'anonymous') throw new S3Error('AccessDenied');
    // Checked for every operation, not just CreateBucket: a bucket name becomes a path in some backends.
    if (op.target !== 'service') assertValidBucketName(op.bucket);
    const request: S3Request = {
      id: record.id,
      op,
      method,
      rawPath,
      query,
      headers,
      principal: auth.principal,
      signal: abort.signal,
      body: () => {
        body ??= buildIncomingBody(incoming, auth, bodyHeadersFor(op.name, headers), deps.settings.requestIdleTimeoutMs);
        return body;
      },
      readSmallBody: (maxBytes) => readSmallBody(request.body(), maxBytes),
      hasBody: () => hasRequestBody(headers),
    };
    reply = await dispatch(request, deps);
  } catch (err) {
    if (!isS3Error(err) || err.status >= 500) deps.logger.error({ err, requestId: record.id }, 'request failed');
    reply = errorReply(err, record.id, decodeURIComponentSafe(rawPath));
  }
  reply.headers['x-amz-request-id'] = record.id;
  reply.headers['x-amz-id-2'] = record.id;
  reply.headers['server'] = 'cairn';
  // Node drains an unread body after the reply to keep the connection; a large
  // or half-read one is not worth reading: close the connection instead.
  if (hasRequestBody(headers) && !incoming.complete && (body !== undefined || Number(headers['content-length'] ?? Infinity) > MAX_DRAINED_BODY_BYTES)) {
    reply.headers['connection'] = 'close';
  }
  record.status = reply.status;
  record.bytesIn = body?.bytesReceived() ?? 0;
  await sendReply(outgoing, reply, method, (n) => (record.bytesOut += n));
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
