import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFile, hashTree, MiB, patternBuffer, writePatternFile, writeTree } from '../../helpers/data.js';
import { ACCESS_KEY, REGION, SECRET_KEY, startTestServer, type TestServer } from '../../helpers/server.js';
import { requireTool, runOk, withoutEnv } from '../../helpers/tools.js';

/**
 * rclone's s3 backend (provider Other, path style) copying a tree up and back.
 * `rclone check` compares MD5s: single-part objects through their ETag, the
 * multipart one through the X-Amz-Meta-Md5chksum metadata rclone stores.
 */
let server: TestServer;
let client: S3Client;
let work: string;
let env: NodeJS.ProcessEnv;
const remote = 'cairn:rclone-matrix/tree';

const BIG = 'big file/30 MiB.bin';
const small: Record<string, Buffer> = {
  'top.txt': Buffer.from('top level\n'),
  'empty.txt': Buffer.alloc(0),
  'dir with spaces/file with spaces.txt': patternBuffer(1000, 'rclone-1'),
  'ünïcødé/日本語 ファイル.txt': patternBuffer(2048, 'rclone-2'),
  'emoji 🎉/naïve café.bin': patternBuffer(4097, 'rclone-3'),
  'a/b/c/d/deep.bin': patternBuffer(100 * 1024, 'rclone-4'),
  'a/b/sibling.txt': patternBuffer(10, 'rclone-5'),
  'symbols/plus+and&amp%20=.txt': patternBuffer(77, 'rclone-6'),
  'just under cutoff.bin': patternBuffer(5 * MiB - 1, 'rclone-7'),
};

const rclone = async (...args: string[]) =>
  runOk('rclone', ['--config', '/dev/null', '--retries', '1', '--low-level-retries', '1', '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M', ...args], { env });

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
  env = {
    // With AWS_CA_BUNDLE set, rclone's aws sdk fails to start (LoadCustomCABundleError: unsupported transport).
    ...withoutEnv(server.childEnv(), 'AWS_CA_BUNDLE', 'AWS_ENDPOINT_URL', 'RCLONE_CONFIG'),
    RCLONE_CONFIG_CAIRN_TYPE: 's3',
    RCLONE_CONFIG_CAIRN_PROVIDER: 'Other',
    RCLONE_CONFIG_CAIRN_ACCESS_KEY_ID: ACCESS_KEY,
    RCLONE_CONFIG_CAIRN_SECRET_ACCESS_KEY: SECRET_KEY,
    RCLONE_CONFIG_CAIRN_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_CAIRN_REGION: REGION,
    RCLONE_CONFIG_CAIRN_FORCE_PATH_STYLE: 'true',
  };
  await requireTool('rclone', ['version'], env);
  work = await mkdtemp(join(tmpdir(), 'cairn-clients-rclone-'));
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('rclone', () => {
  it('copies a tree (nested, spaces, unicode, a 30 MiB multipart file) up and back; check, md5sum, size and lsf agree', async () => {
    const src = join(work, 'src');
    await writeTree(src, small);
    const big = await writePatternFile(join(src, BIG), 30 * MiB, 'rclone-big', 5 * MiB);
    const md5s: Record<string, string> = { [BIG]: big.md5 };
    for (const [rel, data] of Object.entries(small)) md5s[rel] = md5(data);
    const totalBytes = big.size + Object.values(small).reduce((n, b) => n + b.length, 0);
    const fileCount = Object.keys(md5s).length;

    await rclone('copy', src, remote);

    // The 30 MiB file went up in 5 MiB parts, with rclone's MD5 in its metadata.
    const head = await client.send(new HeadObjectCommand({ Bucket: 'rclone-matrix', Key: `tree/${BIG}` }));
    expect(head.ContentLength).toBe(30 * MiB);
    expect(head.ETag).toBe(`"${big.multipartEtag}"`);
    expect(head.Metadata?.md5chksum).toBe(Buffer.from(big.md5, 'hex').toString('base64'));

    // check compares MD5s of every file; none may be left unchecked.
    const check = await rclone('check', src, remote);
    expect(check.stderr).toMatch(/ 0 differences found/);
    expect(check.stderr).toMatch(new RegExp(` ${fileCount} matching files`));
    expect(check.stderr).not.toMatch(/hashes could not be checked/);

    const sums = (await rclone('md5sum', remote)).stdout.trim().split('\n');
    const remoteMd5s = Object.fromEntries(sums.map((line) => [line.slice(34), line.slice(0, 32)]));
    expect(remoteMd5s).toEqual(md5s);

    const size = JSON.parse((await rclone('size', '--json', remote)).stdout);
    expect(size).toMatchObject({ count: fileCount, bytes: totalBytes });

    const dirs = new Set<string>();
    for (const rel of Object.keys(md5s)) {
      const segments = rel.split('/');
      for (let i = 1; i < segments.length; i++) dirs.add(`${segments.slice(0, i).join('/')}/`);
    }
    const lsf = (await rclone('lsf', '-R', remote)).stdout.trim().split('\n').sort();
    expect(lsf).toEqual([...Object.keys(md5s), ...dirs].sort());
    const lsfFiles = (await rclone('lsf', '-R', '--files-only', remote)).stdout.trim().split('\n').sort();
    expect(lsfFiles).toEqual(Object.keys(md5s).sort());

    const back = join(work, 'back');
    await rclone('copy', remote, back);
    expect(await hashTree(back)).toEqual(await hashTree(src));
    expect((await digestFile(join(back, BIG))).sha256).toBe(big.sha256);

    // The same check from the downloaded side, and nothing left to copy.
    const checkBack = await rclone('check', back, remote);
    expect(checkBack.stderr).toMatch(/ 0 differences found/);
    const again = await rclone('copy', '-v', src, remote);
    expect(again.stderr).toMatch(/There was nothing to transfer|Transferred:\s+0 \/ 0, -/);
  }, 180_000);
});
