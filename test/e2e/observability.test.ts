import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startCairn, type Cairn } from '../../src/main.js';
import { sendRaw, sendSigned } from '../helpers/raw-request.js';
import { ACCESS_KEY, SECRET_KEY } from '../helpers/server.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOKEN = 'metrics-token-0123456789';
let cairn: Cairn;
let port: number;
let dir: string;
const logLines: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-obs-'));
  const config = loadConfig({
    flags: { address: '127.0.0.1:0', volumes: [dir] },
    env: { CAIRN_ROOT_USER: ACCESS_KEY, CAIRN_ROOT_PASSWORD: SECRET_KEY, CAIRN_METRICS_TOKEN: TOKEN },
    cwd: process.cwd(),
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  cairn = await startCairn(config, pino({ level: 'info' }, sink));
  port = cairn.server.port;
});
afterAll(async () => {
  await cairn?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('health probes', () => {
  it.each(['/health/live', '/health/ready', '/minio/health/live', '/minio/health/ready', '/minio/health/cluster'])('%s answers 200 unsigned', async (path) => {
    expect((await sendRaw(port, { method: 'GET', path })).status).toBe(200);
  });

  it('signed requests to the same paths are S3: a bucket named health works', async () => {
    expect((await sendSigned(port, { method: 'PUT', path: '/health' })).status).toBe(200);
    expect((await sendSigned(port, { method: 'PUT', path: '/health/live', body: 'not a probe' })).status).toBe(200);
    const got = await sendSigned(port, { method: 'GET', path: '/health/live' });
    expect(got.text).toBe('not a probe');
  });
});

describe('metrics', () => {
  it('refuses /metrics without the bearer token', async () => {
    expect((await sendRaw(port, { method: 'GET', path: '/metrics' })).status).toBe(403);
    expect((await sendRaw(port, { method: 'GET', path: '/metrics', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(403);
  });

  it('serves requests by operation and status, latency, bytes and in-flight, on both paths', async () => {
    expect((await sendSigned(port, { method: 'PUT', path: '/metered' })).status).toBe(200);
    expect((await sendSigned(port, { method: 'PUT', path: '/metered/obj', body: 'x'.repeat(1000) })).status).toBe(200);
    expect((await sendSigned(port, { method: 'GET', path: '/metered/obj' })).status).toBe(200);
    expect((await sendSigned(port, { method: 'GET', path: '/metered/missing' })).status).toBe(404);
    for (const path of ['/metrics', '/minio/v2/metrics/cluster']) {
      const res = await sendRaw(port, { method: 'GET', path, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/cairn_s3_requests_total\{operation="PutObject",status="200"\} [1-9]/);
      expect(res.text).toMatch(/cairn_s3_requests_total\{operation="GetObject",status="404"\} 1/);
      expect(res.text).toMatch(/cairn_s3_request_duration_seconds_bucket\{le="[^"]+",operation="GetObject"\}/);
      expect(res.text).toMatch(/cairn_s3_received_bytes_total\{operation="PutObject"\} 1011/);
      expect(res.text).toMatch(/cairn_s3_sent_bytes_total\{operation="GetObject"\} [1-9]/);
      expect(res.text).toMatch(/cairn_s3_requests_in_flight/);
      expect(res.text).toMatch(/cairn_process_cpu_seconds_total/);
    }
  });
});

describe('access log', () => {
  it('writes one line per request with its facts and never a secret or signature', async () => {
    logLines.length = 0;
    await sendSigned(port, { method: 'PUT', path: '/metered/logged', body: 'hello' });
    await sendSigned(port, { method: 'GET', path: '/metered/logged' }, { presign: true });
    await sendSigned(port, { method: 'GET', path: '/metered/logged' }, { secretAccessKey: 'wrong-secret-value' });
    // The line is written once the server has finished the reply, which can trail the client's read a little.
    const requestLines = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    for (let i = 0; i < 50 && requestLines().length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    const entries = requestLines();
    expect(entries).toHaveLength(3);
    // Lines are written as replies finish, which need not be the order the client saw them in.
    expect(entries.find((e) => e.operation === 'PutObject')).toMatchObject({ bucket: 'metered', key: 'logged', status: 200, bytesIn: 5 });
    expect(entries.find((e) => e.operation === 'GetObject' && e.status === 200)).toMatchObject({ key: 'logged', bytesOut: 5 });
    expect(entries.find((e) => e.operation === 'GetObject' && e.status === 403)).toBeDefined();
    for (const e of entries) {
      expect(e.requestId).toMatch(/^[0-9A-F]{16}$/);
      expect(typeof e.ms).toBe('number');
    }
    const all = logLines.join('\n');
    expect(all).not.toContain(SECRET_KEY);
    expect(all).not.toMatch(/Signature|X-Amz-Credential|AWS4-HMAC/i);
  });
});
