import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, sendSigned, signRaw, type RawRequest, type RawResponse } from '../helpers/raw-request.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The bad-input catalogue: each case asserts the exact S3 error code and
 * status, that nothing answered 500, and that nothing was written.
 */
let server: TestServer;
const bucket = 'bad-input';

beforeAll(async () => {
  // Inspects the local backend's files (.cairn/tmp) to prove nothing is left behind.
  server = await startTestServer({ CAIRN_REQUEST_IDLE_TIMEOUT: '1s' }, { backend: 'local' });
  expect((await sendSigned(server.port, { method: 'PUT', path: `/${bucket}` })).status).toBe(200);
});
afterAll(async () => server?.stop());

async function keys(): Promise<string[]> {
  const res = await sendSigned(server.port, { method: 'GET', path: `/${bucket}?list-type=2` });
  return [...res.text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
}

async function expectError(res: RawResponse, status: number, code: string): Promise<void> {
  expect({ status: res.status, code: res.code }, res.text).toEqual({ status, code });
  expect(res.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
  expect(res.headers['content-type']).toBe('application/xml');
  expect(res.text).toContain('<RequestId>');
}

/** Files anywhere under the data directory except the sidecar store. */
async function filesOnDisk(dir = server.dataDir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (dir === server.dataDir && entry.name === '.cairn') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesOnDisk(path)));
    else out.push(path);
  }
  return out;
}

describe('names and keys', () => {
  it.each(['ab', 'UpperCase', 'a..b', '192.168.1.1', 'under_score', '-leading', 'trailing-', 'x'.repeat(64), 'xn--punycode'])(
    'bucket name %s is InvalidBucketName',
    async (name) => {
      await expectError(await sendSigned(server.port, { method: 'PUT', path: `/${name}` }), 400, 'InvalidBucketName');
      const list = await sendSigned(server.port, { method: 'GET', path: '/' });
      expect(list.text).not.toContain(`<Name>${name}</Name>`);
    },
  );

  it('a key over 1024 bytes is KeyTooLongError', async () => {
    await expectError(await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/${'k'.repeat(1025)}`, body: 'x' }), 400, 'KeyTooLongError');
    expect(await keys()).toEqual([]);
  });

  it.each([
    ['NUL', '/a%00b'],
    ['raw traversal', '/../../../../tmp/cairn-escape'],
    ['encoded traversal', '/%2E%2E/%2e%2e/tmp/cairn-escape'],
    ['encoded slash traversal', '/..%2F..%2Ftmp%2Fcairn-escape'],
    ['backslash traversal', '/..%5C..%5Ctmp%5Ccairn-escape'],
    ['dot segment', '/a/./b'],
  ])('key with %s is refused with InvalidArgument and nothing is written', async (_what, suffix) => {
    await expectError(await sendSigned(server.port, { method: 'PUT', path: `/${bucket}${suffix}`, body: 'escape' }), 400, 'InvalidArgument');
    expect(await keys()).toEqual([]);
    expect(await filesOnDisk()).toEqual([]);
    await expect(stat('/tmp/cairn-escape')).rejects.toThrow();
  });

  it('a bucket segment of .. is InvalidBucketName, never a path', async () => {
    await expectError(await sendSigned(server.port, { method: 'PUT', path: '/%2E%2E/escape', body: 'x' }), 400, 'InvalidBucketName');
  });
});

describe('XML bodies', () => {
  const deleteRequest = (xml: string): RawRequest => ({
    method: 'POST',
    path: `/${bucket}?delete`,
    body: xml,
    headers: { 'content-md5': createHash('md5').update(xml).digest('base64'), 'content-type': 'application/xml' },
  });

  it('malformed XML is MalformedXML', async () => {
    await expectError(await sendSigned(server.port, deleteRequest('<Delete><Object><Key>a</Key></Delete>')), 400, 'MalformedXML');
    await expectError(await sendSigned(server.port, deleteRequest('not xml at all')), 400, 'MalformedXML');
    await expectError(await sendSigned(server.port, deleteRequest('<Delete></Delete>')), 400, 'MalformedXML');
  });

  it('DOCTYPE and ENTITY declarations are refused', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&x;</Key></Object></Delete>';
    await expectError(await sendSigned(server.port, deleteRequest(xxe)), 400, 'MalformedXML');
    const bomb = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><Delete><Object><Key>&b;</Key></Object></Delete>';
    await expectError(await sendSigned(server.port, deleteRequest(bomb)), 400, 'MalformedXML');
  });

  it('oversize XML is refused before it is parsed', async () => {
    const huge = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(200_000)}</Delete>`;
    await expectError(await sendSigned(server.port, deleteRequest(huge)), 400, 'MaxMessageLengthExceeded');
  });

  it('more than 1000 keys is MalformedXML', async () => {
    const many = `<Delete>${Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('')}</Delete>`;
    await expectError(await sendSigned(server.port, deleteRequest(many)), 400, 'MalformedXML');
  });

  it('DeleteObjects without Content-MD5 or a checksum is InvalidRequest', async () => {
    const xml = '<Delete><Object><Key>a</Key></Object></Delete>';
    await expectError(await sendSigned(server.port, { method: 'POST', path: `/${bucket}?delete`, body: xml }), 400, 'InvalidRequest');
  });
});

describe('bodies that do not match their headers', () => {
  it('wrong Content-MD5 is BadDigest; malformed Content-MD5 is InvalidDigest', async () => {
    const wrong = createHash('md5').update('other').digest('base64');
    await expectError(await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/md5`, body: 'body', headers: { 'content-md5': wrong } }), 400, 'BadDigest');
    await expectError(await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/md5`, body: 'body', headers: { 'content-md5': 'not-base64!' } }), 400, 'InvalidDigest');
    expect(await keys()).toEqual([]);
  });

  it('wrong x-amz-content-sha256 is XAmzContentSHA256Mismatch', async () => {
    const res = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/sha`, body: 'body' }, { payloadHash: createHash('sha256').update('other').digest('hex') });
    await expectError(res, 400, 'XAmzContentSHA256Mismatch');
    expect(await keys()).toEqual([]);
  });

  it('a wrong x-amz-checksum-crc32 is BadDigest', async () => {
    const res = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/crc`, body: 'body', headers: { 'x-amz-checksum-crc32': 'AAAAAA==' } });
    await expectError(res, 400, 'BadDigest');
    expect(await keys()).toEqual([]);
  });

  it('Content-Length shorter than the body stores nothing', async () => {
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/short`, body: 'ten bytes!' });
    const res = await rawExchange(signed, { contentLength: 5, send: 'ten bytes!' });
    expect(res.status).toBe(400);
    expect(res.code).toBe('XAmzContentSHA256Mismatch');
    expect(await keys()).toEqual([]);
  });

  it('Content-Length longer than the body times out with RequestTimeout and stores nothing', async () => {
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/long`, body: 'x'.repeat(100) }, { payloadHash: 'UNSIGNED-PAYLOAD' });
    const res = await rawExchange(signed, { contentLength: 100, send: 'x'.repeat(10) });
    expect({ status: res.status, code: res.code }).toEqual({ status: 400, code: 'RequestTimeout' });
    expect(await keys()).toEqual([]);
  });

  it('a client that disconnects mid-body leaves nothing behind', async () => {
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/cut`, body: 'x'.repeat(1_000_000) }, { payloadHash: 'UNSIGNED-PAYLOAD' });
    await rawExchange(signed, { contentLength: 1_000_000, send: 'x'.repeat(300_000), hangUp: true });
    expect(await keys()).toEqual([]);
    expect(await filesOnDisk()).toEqual([]);
    // The temp file goes once the server has noticed the hang-up: allow it a moment.
    const tmp = join(server.dataDir, '.cairn', 'tmp');
    for (let i = 0; i < 50 && (await readdir(tmp)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await readdir(tmp)).toEqual([]);
  });

  it('a client that ends its side of the connection mid-body (FIN, not reset) leaves nothing behind', async () => {
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/half-closed`, body: 'x' }, { payloadHash: 'UNSIGNED-PAYLOAD' });
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'PUT', path: signed.path, headers: { ...signed.headers, 'content-length': '1000000' } });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(300_000, 1));
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();
    const tmp = join(server.dataDir, '.cairn', 'tmp');
    for (let i = 0; i < 50 && (await readdir(tmp)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await readdir(tmp)).toEqual([]);
    expect(await keys()).toEqual([]);
  });
});

describe('ranges', () => {
  it('an unsatisfiable range is 416 InvalidRange; a malformed one returns the whole object', async () => {
    expect((await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/ranged`, body: '0123456789' })).status).toBe(200);
    const res = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/ranged`, headers: { range: 'bytes=20-30' } });
    await expectError(res, 416, 'InvalidRange');
    expect(res.headers['content-range']).toBe('bytes */10');
    const whole = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/ranged`, headers: { range: 'bytes=5-2' } });
    expect({ status: whole.status, text: whole.text }).toEqual({ status: 200, text: '0123456789' });
    expect((await sendSigned(server.port, { method: 'DELETE', path: `/${bucket}/ranged` })).status).toBe(204);
  });
});

describe('authentication failures', () => {
  const get = { method: 'GET', path: `/${bucket}?list-type=2` };

  it('missing auth is AccessDenied', async () => {
    await expectError(await sendRaw(server.port, get), 403, 'AccessDenied');
  });

  it('unknown access key is InvalidAccessKeyId; wrong secret is SignatureDoesNotMatch', async () => {
    await expectError(await sendSigned(server.port, get, { accessKeyId: 'NOSUCHKEY' }), 403, 'InvalidAccessKeyId');
    const wrong = await sendSigned(server.port, get, { secretAccessKey: 'wrong-secret' });
    await expectError(wrong, 403, 'SignatureDoesNotMatch');
    expect(wrong.text).not.toContain('testsecret');
  });

  it('a skewed clock is RequestTimeTooSkewed', async () => {
    await expectError(await sendSigned(server.port, get, { date: new Date(Date.now() - 20 * 60_000) }), 403, 'RequestTimeTooSkewed');
    await expectError(await sendSigned(server.port, get, { date: new Date(Date.now() + 20 * 60_000) }), 403, 'RequestTimeTooSkewed');
  });

  it('expired and not-yet-valid presigned URLs are AccessDenied', async () => {
    await expectError(await sendSigned(server.port, get, { presign: true, expiresIn: 60, date: new Date(Date.now() - 3600_000) }), 403, 'AccessDenied');
    await expectError(await sendSigned(server.port, get, { presign: true, expiresIn: 60, date: new Date(Date.now() + 3600_000) }), 403, 'AccessDenied');
  });

  it('a signature scoped to another region is AuthorizationHeaderMalformed', async () => {
    const res = await sendSigned(server.port, get, { region: 'eu-central-1' });
    await expectError(res, 400, 'AuthorizationHeaderMalformed');
    expect(res.text).toContain('us-east-1');
  });
});

describe('protocol edges', () => {
  it('HEAD errors carry no body', async () => {
    const res = await sendSigned(server.port, { method: 'HEAD', path: `/${bucket}/missing` });
    expect(res.status).toBe(404);
    expect(res.body.length).toBe(0);
    expect(res.headers['x-amz-request-id']).toBeDefined();
  });

  it('a known but unserved operation is NotImplemented, not 404 or 500', async () => {
    await expectError(await sendSigned(server.port, { method: 'GET', path: `/${bucket}/k?torrent` }), 501, 'NotImplemented');
  });

  it('an unknown method is MethodNotAllowed', async () => {
    const res = await sendRaw(server.port, { method: 'PATCH', path: `/${bucket}/k` });
    expect({ status: res.status, code: res.code }).toEqual({ status: 405, code: 'MethodNotAllowed' });
  });
});

/**
 * Writes a request over a raw socket, so the declared Content-Length and the
 * bytes actually sent can disagree; optionally hangs up mid-body.
 */
function rawExchange(req: RawRequest, options: { contentLength: number; send: string; hangUp?: boolean }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const headers = { ...req.headers, 'content-length': String(options.contentLength), connection: 'close' };
    const head = [`${req.method} ${req.path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, headers: {}, body: Buffer.from(received), text: received, code: /<Code>([^<]+)<\/Code>/.exec(received)?.[1] });
    });
    socket.write(head + options.send, () => {
      if (options.hangUp) socket.destroy();
    });
    setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer'));
    }, 10_000).unref();
  });
}
