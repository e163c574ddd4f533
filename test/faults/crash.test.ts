/**
 * kill -9 of the real server (dist/src/cli.js over 4 drive folders, 2+2) in
 * the middle of a large PUT, a multipart completion and a heal, then a
 * restart: nothing acknowledged is lost, nothing partial is visible, temp
 * space is reclaimed. Where the kill lands is a race by nature; every check
 * holds whichever side of the commit it fell on.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MiB, patternBuffer } from '../helpers/data.js';
import { sendSigned, signRaw } from '../helpers/raw-request.js';
import { tempEntries } from './helpers/disk-faults.js';
import { buildDist, eventually, startServerProcess, type ServerProcess } from './helpers/server-process.js';

const BUCKET = 'crash';
let dir: string;
let running: ServerProcess | undefined;

beforeAll(async () => {
  await buildDist();
  dir = await mkdtemp(join(tmpdir(), 'cairn-crash-'));
}, 120_000);

afterEach(async () => {
  await running?.kill9();
  running = undefined;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function freshVolumes(name: string): Promise<string[]> {
  const volumes = Array.from({ length: 4 }, (_, i) => join(dir, name, `drive${i + 1}`));
  for (const volume of volumes) await mkdir(volume, { recursive: true });
  return volumes;
}

async function start(volumes: string[]): Promise<ServerProcess> {
  running = await startServerProcess(volumes);
  return running;
}

async function crash(server: ServerProcess): Promise<void> {
  await server.kill9();
  running = undefined;
}

async function expectObject(port: number, key: string, data: Buffer): Promise<void> {
  const res = await sendSigned(port, { method: 'GET', path: `/${BUCKET}/${key}` });
  expect(res.status, `${key}: ${res.code ?? ''}`).toBe(200);
  expect(res.body.equals(data), `${key} byte-exact`).toBe(true);
}

async function expectNoKey(port: number, key: string): Promise<void> {
  const res = await sendSigned(port, { method: 'GET', path: `/${BUCKET}/${key}` });
  expect(res.status, key).toBe(404);
  expect(res.code).toBe('NoSuchKey');
}

async function putAcknowledged(port: number, objects: Map<string, Buffer>): Promise<void> {
  for (const [key, data] of objects) {
    const res = await sendSigned(port, { method: 'PUT', path: `/${BUCKET}/${key}`, body: data });
    expect(res.status, `${key}: ${res.text}`).toBe(200);
  }
}

/** A server over fresh volumes with the bucket and three acknowledged objects (inline, file-backed, several blocks). */
async function withAcknowledged(tag: string): Promise<{ volumes: string[]; server: ServerProcess; acked: Map<string, Buffer> }> {
  const volumes = await freshVolumes(tag);
  const server = await start(volumes);
  expect((await sendSigned(server.port, { method: 'PUT', path: `/${BUCKET}` })).status).toBe(200);
  const acked = new Map([10 * 1024, 1536 * 1024, 5 * MiB].map((size) => [`${tag}/acked-${size}`, patternBuffer(size, `${tag}-${size}`)]));
  await putAcknowledged(server.port, acked);
  return { volumes, server, acked };
}

/**
 * Sends a signed request whose body is written by `feed`; resolves with the
 * status, or with the error once the server is gone.
 */
async function streamRequest(port: number, method: string, path: string, size: number, feed: (write: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<number | Error> {
  const signed = await signRaw(port, { method, path, headers: { 'content-length': String(size) } }, { payloadHash: 'UNSIGNED-PAYLOAD' });
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path: signed.path, headers: signed.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', resolve);
    });
    req.on('error', resolve);
    const write = (chunk: Buffer) => new Promise<void>((done, fail) => req.write(chunk, (err) => (err ? fail(err) : done())));
    feed(write).then(
      () => req.end(),
      (err: unknown) => req.destroy(err instanceof Error ? err : new Error(String(err))),
    );
  });
}

describe('kill -9 and restart (2+2 over 4 drive folders)', () => {
  it('during a large PUT: acknowledged objects survive, the in-flight one is absent, temp space is reclaimed', async () => {
    const setup = await withAcknowledged('put');
    const { volumes, acked } = setup;
    let server = setup.server;

    const size = 64 * MiB;
    const chunk = patternBuffer(MiB, 'in-flight');
    const inFlight = streamRequest(server.port, 'PUT', `/${BUCKET}/in-flight`, size, async (write) => {
      for (let sent = 0; sent < size; sent += MiB) {
        await write(chunk);
        // Once shards are streaming into temp files, pull the plug.
        if (sent >= 8 * MiB && (await tempEntries(volumes)).length > 0) {
          await crash(server);
          throw new Error('killed');
        }
      }
    });
    expect(await inFlight).toBeInstanceOf(Error);

    server = await start(volumes);
    for (const [key, data] of acked) await expectObject(server.port, key, data);
    await expectNoKey(server.port, 'in-flight');
    expect(await eventually(async () => (await tempEntries(volumes)).length === 0), 'temp folders emptied after restart').toBe(true);
  }, 120_000);

  it('during a multipart completion: the object is whole or absent with its upload intact, never partial', async () => {
    const setup = await withAcknowledged('multipart');
    const { volumes, acked } = setup;
    let server = setup.server;

    // A few kill delays after the completion request is out: some land before the commit, some after.
    for (const delayMs of [0, 10]) {
      const key = `mp-${delayMs}`;
      const parts = [5 * MiB, 5 * MiB, 1 * MiB].map((n, i) => patternBuffer(n, `${key}-part${i + 1}`));
      const created = await sendSigned(server.port, { method: 'POST', path: `/${BUCKET}/${key}?uploads` });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)?.[1];
      expect(uploadId, created.text).toBeDefined();
      const etags: string[] = [];
      for (const [i, body] of parts.entries()) {
        const res = await sendSigned(server.port, { method: 'PUT', path: `/${BUCKET}/${key}?partNumber=${i + 1}&uploadId=${uploadId}`, body });
        expect(res.status, res.text).toBe(200);
        etags.push(String(res.headers.etag));
      }
      const xml = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const signed = await signRaw(server.port, { method: 'POST', path: `/${BUCKET}/${key}?uploadId=${uploadId}`, body: xml });
      const port = server.port;
      const killed = new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: signed.path, headers: signed.headers });
        req.on('error', () => undefined);
        req.on('response', (res) => res.resume());
        req.end(xml, () => setTimeout(() => void crash(server).then(resolve), delayMs));
      });
      await killed;

      server = await start(volumes);
      const whole = Buffer.concat(parts);
      const got = await sendSigned(server.port, { method: 'GET', path: `/${BUCKET}/${key}` });
      const listed = await sendSigned(server.port, { method: 'GET', path: `/${BUCKET}/${key}?uploadId=${uploadId}` });
      if (got.status === 200) {
        expect(got.body.equals(whole), `${key}: completed object byte-exact`).toBe(true);
        expect(listed.code, `${key}: upload gone once completed`).toBe('NoSuchUpload');
      } else {
        expect(got.code, `${key}: absent before the commit`).toBe('NoSuchKey');
        expect(listed.status, `${key}: upload still there: ${listed.text}`).toBe(200);
        expect(listed.text.match(/<Part>/g)?.length, `${key}: all parts still listed`).toBe(parts.length);
        const retried = await sendSigned(server.port, { method: 'POST', path: `/${BUCKET}/${key}?uploadId=${uploadId}`, body: xml });
        expect(retried.status, retried.text).toBe(200);
        await expectObject(server.port, key, whole);
      }
      for (const [k, data] of acked) await expectObject(server.port, k, data);
    }
    expect(await eventually(async () => (await tempEntries(volumes)).length === 0), 'temp folders emptied after restart').toBe(true);
  }, 120_000);

  it('during a heal onto a blank drive: after restart the heal completes and the store survives losing two other drives', async () => {
    const volumes = await freshVolumes('heal');
    let server = await start(volumes);
    expect((await sendSigned(server.port, { method: 'PUT', path: `/${BUCKET}` })).status).toBe(200);
    const objects = new Map<string, Buffer>();
    for (let i = 0; i < 24; i++) {
      const size = i % 3 === 0 ? 10 * 1024 : 1536 * 1024;
      objects.set(`heal/obj-${i}`, patternBuffer(size, `heal-${i}`));
    }
    await putAcknowledged(server.port, objects);
    await server.stop();
    running = undefined;

    // Drive 4 replaced by a blank one.
    await rm(volumes[3], { recursive: true, force: true });
    await mkdir(volumes[3]);
    server = await start(volumes);
    const healPath = `/_cairn/admin/v1/heal?bucket=${BUCKET}&scan=deep`;
    void sendSigned(server.port, { method: 'POST', path: healPath }).catch(() => undefined);
    // Kill once the heal (or the scanner) has started writing onto the blank drive.
    const dataOnBlank = async () => (await readdir(join(volumes[3], 'data', BUCKET)).catch(() => [])).length > 0 || (await tempEntries([volumes[3]])).length > 0;
    await eventually(dataOnBlank, 10_000);
    await crash(server);

    server = await start(volumes);
    const healed = await sendSigned(server.port, { method: 'POST', path: healPath });
    expect(healed.status, healed.text).toBe(200);
    const report = JSON.parse(healed.text) as { failed: number; failures: unknown[] };
    expect(report.failed, JSON.stringify(report.failures)).toBe(0);
    for (const [key, data] of objects) await expectObject(server.port, key, data);
    expect(await eventually(async () => (await tempEntries(volumes)).length === 0), 'temp folders emptied').toBe(true);
    await server.stop();
    running = undefined;

    // Full redundancy: drives 1 and 2 gone, the healed drive 4 and drive 3 carry everything.
    for (const volume of volumes.slice(0, 2)) {
      await rm(volume, { recursive: true, force: true });
      await mkdir(volume);
    }
    server = await start(volumes);
    for (const [key, data] of objects) await expectObject(server.port, key, data);
  }, 120_000);
});
