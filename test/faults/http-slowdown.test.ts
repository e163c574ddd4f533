/**
 * What an S3 client sees when drives fail: the real front door over an
 * erasure backend (2+2 on 4 drive folders) whose drives fail on cue. Below
 * write quorum a PUT is 503 SlowDown in S3's XML and nothing of it is
 * visible; with too few drives to read, a GET is 503 SlowDown too; within
 * parity everything answers as if nothing happened.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErasureBackend } from '../../src/backends/erasure/erasure-backend.js';
import { BackendRegistry } from '../../src/backends/registry.js';
import { startServer, type RunningServer } from '../../src/frontend/server.js';
import { RootCredentialStore } from '../../src/iam/credentials.js';
import { createLogger } from '../../src/obs/logger.js';
import { FrontDoorMetrics } from '../../src/obs/metrics.js';
import { patternBuffer } from '../helpers/data.js';
import { sendSigned, type RawResponse } from '../helpers/raw-request.js';
import { ACCESS_KEY, REGION, SECRET_KEY } from '../helpers/server.js';
import { faultyDrives, type FaultyDrive } from './helpers/faulty-drive.js';

const BUCKET = 'slowdown';
let dir: string;
let backend: ErasureBackend;
let drives: FaultyDrive[];
let server: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-faults-http-'));
  const volumes = Array.from({ length: 4 }, (_, i) => join(dir, `drive${i + 1}`));
  for (const volume of volumes) await mkdir(volume);
  const faulty = faultyDrives();
  backend = await ErasureBackend.open({ volumes, parity: { STANDARD: 2 }, wrapDrive: faulty.wrap });
  drives = faulty.drives;
  server = await startServer(
    {
      registry: new BackendRegistry(new Map([['default', backend]]), 'default'),
      credentials: new RootCredentialStore(ACCESS_KEY, SECRET_KEY),
      settings: { region: REGION, domains: [], maxXmlBodyBytes: 1 << 20, requestIdleTimeoutMs: 30_000, metricsPublic: false },
      logger: createLogger('silent'),
      metrics: new FrontDoorMetrics(),
      ready: () => true,
    },
    '127.0.0.1',
    0,
  );
  expect((await sendSigned(server.port, { method: 'PUT', path: `/${BUCKET}` })).status).toBe(200);
});

afterAll(async () => {
  await server?.stop(1000);
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const d of drives) d.reset();
});

const put = (key: string, body: Buffer) => sendSigned(server.port, { method: 'PUT', path: `/${BUCKET}/${key}`, body });
const get = (key: string) => sendSigned(server.port, { method: 'GET', path: `/${BUCKET}/${key}` });

function expectSlowDown(res: RawResponse): void {
  expect(res.status).toBe(503);
  expect(res.code).toBe('SlowDown');
  expect(res.headers['content-type']).toMatch(/xml/);
  expect(res.text).toMatch(/^<\?xml[^>]*>\s*<Error>/);
}

describe('erasure store over HTTP when drives fail (2+2, write quorum 3)', () => {
  const small = patternBuffer(10 * 1024, 'http-small');
  const large = patternBuffer(1536 * 1024, 'http-large');

  it('serves reads and takes writes with up to P drives offline', async () => {
    expect((await put('within-parity', large)).status).toBe(200);
    drives[0].fault = 'offline';
    drives[1].fault = 'offline';
    const read = await get('within-parity');
    expect(read.status).toBe(200);
    expect(read.body.equals(large)).toBe(true);
    drives[1].reset();
    expect((await put('within-parity-2', small)).status).toBe(200);
    expect((await get('within-parity-2')).body.equals(small)).toBe(true);
  });

  it('answers 503 SlowDown below write quorum, leaving the previous version and no new key', async () => {
    expect((await put('guarded', small)).status).toBe(200);
    drives[2].fault = 'read-only';
    drives[3].fault = 'read-only';
    expectSlowDown(await put('guarded', large));
    expectSlowDown(await put('never-written', large));
    expectSlowDown(await put('never-written-small', small));
    const previous = await get('guarded');
    expect(previous.status).toBe(200);
    expect(previous.body.equals(small)).toBe(true);
    expect((await get('never-written')).code).toBe('NoSuchKey');
    expect((await get('never-written-small')).code).toBe('NoSuchKey');
  });

  it('answers 503 SlowDown to a multipart upload it cannot record', async () => {
    drives[0].fault = 'offline';
    drives[1].fault = 'offline';
    expectSlowDown(await sendSigned(server.port, { method: 'POST', path: `/${BUCKET}/mp?uploads` }));
  });

  it('answers 503 SlowDown to a read when fewer than k drives answer', async () => {
    expect((await put('unreadable', large)).status).toBe(200);
    for (const d of drives.slice(0, 3)) d.fault = 'offline';
    expectSlowDown(await get('unreadable'));
    for (const d of drives) d.reset();
    expect((await get('unreadable')).body.equals(large)).toBe(true);
  });
});
