/**
 * The admin API: GET /_cairn/admin/v1/info and POST /_cairn/admin/v1/heal
 * (?bucket=b&prefix=p&scan=deep|normal). `_cairn` is not a valid bucket
 * name, so path-style S3 can never need these paths; a virtual-hosted
 * request (bucket in the Host) is S3 and passes through to the front door.
 *
 * Authenticated exactly like S3 (SigV4/SigV2 through src/iam) and allowed to
 * the root user only; failures are S3 error XML. Answers are JSON. Handlers
 * talk to an AdminService only: no drive or file is touched here.
 */
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hono } from 'hono';
import type { AdminService, HealRequest } from '../backends/admin-service.js';
import { authenticate } from '../iam/authenticate.js';
import { S3Error, isS3Error } from '../s3/errors.js';
import { assertValidBucketName } from '../s3/names.js';
import type { FrontDoorDeps, FrontDoorEnv } from './context.js';
import { errorReply } from './error-reply.js';
import { sendReply, type S3Reply } from './reply.js';
import { bucketFromHost } from './router.js';
import { flattenHeaders, splitUrl, type RequestRecord } from './s3-handler.js';

export const ADMIN_PATH_PREFIX = '/_cairn/admin/v1/';

type AdminOperation = { name: 'AdminInfo' } | { name: 'AdminHeal'; request: HealRequest };

/** Which admin call a method and path name, from the query for heal. Pure. */
export function routeAdmin(method: string, rawPath: string, query: URLSearchParams): AdminOperation {
  const action = rawPath.startsWith(ADMIN_PATH_PREFIX) ? rawPath.slice(ADMIN_PATH_PREFIX.length) : undefined;
  if (action === 'info') {
    if (method !== 'GET' && method !== 'HEAD') throw new S3Error('MethodNotAllowed');
    return { name: 'AdminInfo' };
  }
  if (action === 'heal') {
    if (method !== 'POST') throw new S3Error('MethodNotAllowed');
    return { name: 'AdminHeal', request: healRequestFrom(query) };
  }
  throw new S3Error('InvalidRequest', { message: `Unknown admin API ${rawPath}: use ${ADMIN_PATH_PREFIX}info or ${ADMIN_PATH_PREFIX}heal` });
}

function healRequestFrom(query: URLSearchParams): HealRequest {
  const bucket = query.get('bucket') || undefined;
  const prefix = query.get('prefix') || undefined;
  const scan = query.get('scan') ?? 'deep';
  if (scan !== 'deep' && scan !== 'normal') throw new S3Error('InvalidArgument', { message: 'scan must be "deep" or "normal"', extra: { ArgumentName: 'scan' } });
  if (prefix !== undefined && bucket === undefined) {
    throw new S3Error('InvalidArgument', { message: 'a prefix needs a bucket', extra: { ArgumentName: 'prefix' } });
  }
  if (bucket !== undefined) assertValidBucketName(bucket);
  return { bucket, prefix, deep: scan === 'deep' };
}

function jsonReply(value: unknown): S3Reply {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(value, null, 2)}\n` };
}

async function runAdmin(op: AdminOperation, admin: AdminService | undefined, signal: AbortSignal): Promise<S3Reply> {
  if (!admin) throw new S3Error('NotImplemented', { message: 'This server has no admin service.' });
  switch (op.name) {
    case 'AdminInfo':
      return jsonReply(await admin.info(signal));
    case 'AdminHeal':
      return jsonReply(await admin.heal(op.request, signal));
  }
}

async function serveAdmin(incoming: IncomingMessage, outgoing: ServerResponse, deps: FrontDoorDeps, record: RequestRecord): Promise<void> {
  const method = incoming.method ?? 'GET';
  const headers = flattenHeaders(incoming);
  const { rawPath, rawQuery } = splitUrl(incoming.url ?? '/');
  const hasBody = headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
  const abort = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) abort.abort();
  });
  let reply: S3Reply;
  try {
    const op = routeAdmin(method, rawPath, new URLSearchParams(rawQuery));
    record.operation = op.name;
    const auth = await authenticate({ method, rawPath, rawQuery, headers, now: new Date() }, deps.credentials, { region: deps.settings.region });
    if (auth.kind === 'anonymous' || auth.principal.kind !== 'root') throw new S3Error('AccessDenied');
    // Admin calls carry no body; an unread one could not be verified against its signature.
    if (hasBody) throw new S3Error('UnexpectedContent');
    reply = await runAdmin(op, deps.admin, abort.signal);
  } catch (err) {
    if (!isS3Error(err) || err.status >= 500) deps.logger.error({ err, requestId: record.id }, 'admin request failed');
    reply = errorReply(err, record.id, rawPath);
  }
  reply.headers['x-amz-request-id'] = record.id;
  reply.headers['server'] = 'cairn';
  if (hasBody) reply.headers['connection'] = 'close';
  record.status = reply.status;
  await sendReply(outgoing, reply, method, (n) => (record.bytesOut += n));
}

export function registerAdminRoutes(app: Hono<FrontDoorEnv>, deps: FrontDoorDeps): void {
  app.all('/_cairn/*', async (c, next) => {
    if (bucketFromHost(c.req.header('host'), deps.settings.domains) !== undefined) return next();
    await serveAdmin(c.env.incoming, c.env.outgoing, deps, c.get('record'));
    return RESPONSE_ALREADY_SENT;
  });
}
