import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route } from '../../src/frontend/router.js';
import { ROUTES, type RouteSpec } from '../../src/frontend/routes.js';
import { sendRaw, signRaw, type RawRequest } from '../helpers/raw-request.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Every route the router knows, taken from the router's own table, must
 * refuse a request that is unsigned or wrongly signed — with the signature
 * in the header, in the query, and on a streaming (aws-chunked) body.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

/** A request the router maps to `spec`. */
function requestFor(spec: RouteSpec): RawRequest {
  const path = spec.target === 'service' ? '/' : spec.target === 'bucket' ? '/authz-bucket' : '/authz-bucket/some/key';
  const query = spec.query === undefined ? '' : `?${spec.query}=${spec.queryValue ?? (spec.query === 'uploadId' ? 'abc' : '')}`;
  const headers: Record<string, string> = {};
  if (spec.header) headers[spec.header] = '/authz-bucket/source';
  return { method: spec.method, path: path + query, headers };
}

const specs = ROUTES as readonly RouteSpec[];

describe('the route table', () => {
  it.each(specs.map((s) => [s.name, s] as const))('%s is reachable by its generated request', (_name, spec) => {
    const req = requestFor(spec);
    const [rawPath, rawQuery = ''] = req.path.split('?');
    const op = route({ method: req.method, rawPath, query: new URLSearchParams(rawQuery), headers: req.headers ?? {} }, { domains: [] });
    expect(op.name).toBe(spec.name);
  });
});

describe('every route refuses requests that are not properly signed', () => {
  it.each(specs.map((s) => [s.name, s] as const))('%s', async (_name, spec) => {
    const port = server.port;
    const base = requestFor(spec);
    const body = spec.method === 'PUT' || spec.method === 'POST' ? 'payload' : undefined;
    const withBody = { ...base, body, headers: { ...base.headers, ...(body ? { 'content-length': String(body.length) } : {}) } };

    const unsigned = await sendRaw(port, withBody);
    expect(unsigned.status).toBe(403);
    if (spec.method !== 'HEAD') expect(unsigned.code).toBe('AccessDenied');

    const wrongHeader = await sendRaw(port, await signRaw(port, withBody, { secretAccessKey: 'not-the-secret' }));
    expect(wrongHeader.status).toBe(403);
    if (spec.method !== 'HEAD') expect(wrongHeader.code).toBe('SignatureDoesNotMatch');

    const unknownKey = await sendRaw(port, await signRaw(port, withBody, { accessKeyId: 'AKIDUNKNOWN' }));
    expect(unknownKey.status).toBe(403);
    if (spec.method !== 'HEAD') expect(unknownKey.code).toBe('InvalidAccessKeyId');

    const wrongQuery = await sendRaw(port, await signRaw(port, withBody, { presign: true, secretAccessKey: 'not-the-secret' }));
    expect(wrongQuery.status).toBe(403);
    if (spec.method !== 'HEAD') expect(wrongQuery.code).toBe('SignatureDoesNotMatch');

    // A streaming-signed body whose seed signature is wrong: refused before any chunk is read.
    const chunked = await signRaw(
      port,
      { ...base, headers: { ...base.headers, 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '7' } },
      { payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', secretAccessKey: 'not-the-secret' },
    );
    const chunkBody = `7;chunk-signature=${'0'.repeat(64)}\r\npayload\r\n0;chunk-signature=${'0'.repeat(64)}\r\n\r\n`;
    const streaming = await sendRaw(port, { ...chunked, body: chunkBody, headers: { ...chunked.headers, 'content-length': String(chunkBody.length) } });
    expect(streaming.status).toBe(403);
    if (spec.method !== 'HEAD') expect(streaming.code).toBe('SignatureDoesNotMatch');
  });
});
