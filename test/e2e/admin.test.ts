import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminInfo, HealReport } from '../../src/backends/admin-service.js';
import type { ErasureBackend } from '../../src/backends/erasure/erasure-backend.js';
import { loadConfig } from '../../src/config/load.js';
import { startCairn, type Cairn } from '../../src/main.js';
import { createLogger } from '../../src/obs/logger.js';
import { sendRaw, signRaw } from '../helpers/raw-request.js';
import { run } from '../helpers/run.js';
import { ACCESS_KEY, REGION, SECRET_KEY } from '../helpers/server.js';
import { allShardFiles, blank, bytes } from '../unit/erasure-backend/scanner-fixtures.js';

/** `cairn admin` against a real server over four drive folders (2 data + 2 parity), run as the compiled CLI. */
const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/src/cli.js');
const BUCKET = 'healme';
const OBJECTS: Record<string, Buffer> = {
  'big.bin': bytes(1_500_000, 1), // two blocks, shard files
  'dir/medium.bin': bytes(400_000, 2),
  'dir/small.txt': bytes(3000, 3), // inline
};

let dir: string;
let volumes: string[];
let cairn: Cairn | undefined;
let endpoint: string;

async function startServer(): Promise<void> {
  const config = loadConfig({
    flags: { address: '127.0.0.1:0', volumes: [join(dir, 'drive{1...4}')] },
    env: { CAIRN_ROOT_USER: ACCESS_KEY, CAIRN_ROOT_PASSWORD: SECRET_KEY, CAIRN_LOG_LEVEL: 'silent', CAIRN_METRICS_PUBLIC: 'true' },
    cwd: dir,
  });
  cairn = await startCairn(config, createLogger('silent'));
  // The background scanner would race the on-demand heals this test counts.
  await cairn.healing.stop();
  endpoint = `http://127.0.0.1:${cairn.server.port}`;
}

async function stopServer(): Promise<void> {
  await cairn?.shutdown();
  cairn = undefined;
}

function client(): S3Client {
  return new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, maxAttempts: 1 });
}

function admin(...args: string[]) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CAIRN|MINIO|RUSTFS|AWS)_/.test(k)) env[k] = v;
  Object.assign(env, { CAIRN_ENDPOINT: endpoint, CAIRN_ROOT_USER: ACCESS_KEY, CAIRN_ROOT_PASSWORD: SECRET_KEY });
  return run('node', [cli, 'admin', ...args], { env, timeoutMs: 60_000 });
}

/** The shard file of single-part object `key` on a drive, found through the running backend's records. */
function shardPath(driveRoot: string, key: string): string {
  const backend = cairn!.deps.registry.resolve(BUCKET) as ErasureBackend;
  const drive = backend.sets.flatMap((set) => set.drives).find((d) => d.root === driveRoot)!;
  const record = drive.meta.getObject(BUCKET, key)!;
  return join(driveRoot, 'data', BUCKET, record.dataId, record.parts[0].file!);
}

async function getAll(): Promise<Record<string, Buffer>> {
  const s3 = client();
  const out: Record<string, Buffer> = {};
  for (const key of Object.keys(OBJECTS)) {
    const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    out[key] = Buffer.from(await res.Body!.transformToByteArray());
  }
  return out;
}

beforeAll(async () => {
  const build = await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo });
  expect(build.code, build.stdout + build.stderr).toBe(0);
  dir = await mkdtemp(join(tmpdir(), 'cairn-admin-'));
  volumes = [1, 2, 3, 4].map((i) => join(dir, `drive${i}`));
  await startServer();
  const s3 = client();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const [key, body] of Object.entries(OBJECTS)) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}, 180_000);

afterAll(async () => {
  await stopServer();
  await rm(dir, { recursive: true, force: true });
});

describe('admin API and cairn admin', () => {
  it('refuses unsigned and wrongly signed calls with S3 error XML', async () => {
    const port = cairn!.server.port;
    const unsigned = await sendRaw(port, { method: 'GET', path: '/_cairn/admin/v1/info' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.code).toBe('AccessDenied');
    expect(unsigned.headers['content-type']).toBe('application/xml');
    const wrong = await sendRaw(port, await signRaw(port, { method: 'POST', path: '/_cairn/admin/v1/heal' }, { secretAccessKey: 'not-the-secret-1' }));
    expect(wrong.status).toBe(403);
    expect(wrong.code).toBe('SignatureDoesNotMatch');
    const getHeal = await sendRaw(port, await signRaw(port, { method: 'GET', path: '/_cairn/admin/v1/heal' }));
    expect(getHeal.status).toBe(405);
    const unknown = await sendRaw(port, await signRaw(port, { method: 'GET', path: '/_cairn/admin/v1/reboot' }));
    expect(unknown.status).toBe(400);
    const badBucket = await sendRaw(port, await signRaw(port, { method: 'POST', path: '/_cairn/admin/v1/heal?bucket=nope-no-bucket' }));
    expect(badBucket.code).toBe('NoSuchBucket');
    const signed = await sendRaw(port, await signRaw(port, { method: 'GET', path: '/_cairn/admin/v1/info' }));
    expect(signed.status).toBe(200);
    expect(signed.headers['content-type']).toBe('application/json');
  });

  it('cairn admin info lists every drive with its state, and the deployment', async () => {
    const res = await admin('info');
    expect(res.code, res.stderr).toBe(0);
    const backend = cairn!.deps.registry.resolve(BUCKET) as ErasureBackend;
    expect(res.stdout).toContain(`deployment ${backend.deployment.id}`);
    expect(res.stdout).toMatch(/set 0: 4\/4 drives online/);
    for (const root of volumes) expect(res.stdout).toMatch(new RegExp(`online\\s+${root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s`));
    const json = JSON.parse((await admin('info', '--json')).stdout) as AdminInfo;
    expect(json.backends[0].sets![0].drives.map((d) => d.state)).toEqual(['online', 'online', 'online', 'online']);
    expect(json.backends[0].parity).toMatchObject({ STANDARD: 2 });
  });

  it('cairn admin heal restores a deleted shard file and a flipped byte, and says so', async () => {
    const before = await allShardFiles(volumes);
    await rm(shardPath(volumes[0], 'big.bin'));
    const medium = shardPath(volumes[1], 'dir/medium.bin');
    const shard = await readFile(medium);
    shard[shard.length - 10] ^= 0x01;
    await writeFile(medium, shard);

    const res = await admin('heal', BUCKET);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/objects scanned:\s+3\n/);
    expect(res.stdout).toMatch(/healed:\s+2\n/);
    expect(res.stdout).toMatch(/not healed:\s+0\n/);
    expect(await allShardFiles(volumes)).toEqual(before);
    const metrics = (await sendRaw(cairn!.server.port, { method: 'GET', path: '/metrics' })).text;
    expect(metrics).toMatch(/^cairn_heal_objects_total\{backend="default",outcome="healed"\} 2$/m);
    expect(metrics).toMatch(/^cairn_drives\{backend="default",state="online"\} 4$/m);
    expect(metrics).toMatch(/^cairn_heal_queue_length\{backend="default"\} \d+$/m);

    const again = JSON.parse((await admin('heal', `${BUCKET}/dir/`, '--json')).stdout) as HealReport;
    expect(again).toMatchObject({ scanned: 2, healthy: 2, healed: 0, failed: 0 });
  });

  it('an emptied drive is refilled by cairn admin heal; then any two drives can go', async () => {
    const before = await allShardFiles(volumes);
    await stopServer();
    await blank(volumes[2]);
    await startServer();
    const res = await admin('heal', '--json');
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as HealReport;
    expect(report).toMatchObject({ scanned: 3, healed: 3, failed: 0 });
    expect(report.bucketsHealed).toBeGreaterThanOrEqual(1);
    expect((await allShardFiles(volumes)).get(volumes[2])).toEqual(before.get(volumes[2]));

    await stopServer();
    for (const root of [volumes[0], volumes[3]]) await rename(root, `${root}.away`);
    try {
      await startServer();
      const read = await getAll();
      for (const [key, body] of Object.entries(OBJECTS)) expect(read[key].equals(body), key).toBe(true);
      const info = JSON.parse((await admin('info', '--json')).stdout) as AdminInfo;
      expect(info.backends[0].sets![0].drives.filter((d) => d.state === 'offline').map((d) => d.root)).toEqual([volumes[0], volumes[3]]);
    } finally {
      await stopServer();
      for (const root of [volumes[0], volumes[3]]) await rename(`${root}.away`, root);
      await startServer();
    }
  });

  it('exits non-zero and names the object when it cannot heal', async () => {
    for (const root of volumes.slice(0, 3)) await rm(shardPath(root, 'dir/medium.bin'));
    const res = await admin('heal', `${BUCKET}/dir/`);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/not healed:\s+1\n/);
    expect(res.stdout).toMatch(new RegExp(`^  ${BUCKET}/dir/medium\\.bin: .+$`, 'm'));
  });
});
