import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let work: string;
const aws = async (...args: string[]) => {
  const result = await run('aws', args, { env: server.childEnv() });
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  server = await startTestServer();
  work = await mkdtemp(join(tmpdir(), 'cairn-awscli-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('aws cli', () => {
  it('mb, cp up and down, ls, rm', async () => {
    await aws('s3', 'mb', 's3://cli-bucket');
    const data = randomBytes(2 * 1024 * 1024 + 3);
    await writeFile(join(work, 'up.bin'), data);
    await aws('s3', 'cp', join(work, 'up.bin'), 's3://cli-bucket/dir/up.bin');
    expect(await aws('s3', 'ls', 's3://cli-bucket/dir/')).toMatch(/2097155 up\.bin/);
    await aws('s3', 'cp', 's3://cli-bucket/dir/up.bin', join(work, 'down.bin'));
    expect(sha(await readFile(join(work, 'down.bin')))).toBe(sha(data));
    expect(await aws('s3', 'ls')).toMatch(/cli-bucket/);
    await aws('s3', 'rm', 's3://cli-bucket/dir/up.bin');
    expect(await aws('s3', 'ls', 's3://cli-bucket/dir/').catch(() => '')).toBe('');
  });

  it('syncs a tree both ways and removes it recursively', async () => {
    const src = join(work, 'tree');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 40; i++) {
      const rel = `d${i % 4}/sub${i % 3}/file ${i}.txt`;
      files[rel] = randomBytes(100 + i * 37);
      await mkdir(join(src, rel, '..'), { recursive: true });
      await writeFile(join(src, rel), files[rel]);
    }
    await aws('s3', 'mb', 's3://cli-sync');
    await aws('s3', 'sync', src, 's3://cli-sync/tree');
    const back = join(work, 'back');
    await aws('s3', 'sync', 's3://cli-sync/tree', back);
    for (const [rel, data] of Object.entries(files)) expect(sha(await readFile(join(back, rel))), rel).toBe(sha(data));
    // A second sync transfers nothing: sizes and times agree.
    expect((await aws('s3', 'sync', src, 's3://cli-sync/tree')).trim()).toBe('');
    await aws('s3', 'rm', '--recursive', 's3://cli-sync/tree');
    const listing = JSON.parse((await aws('s3api', 'list-objects-v2', '--bucket', 'cli-sync')) || '{}');
    expect(listing.Contents ?? []).toEqual([]);
    await aws('s3', 'rb', 's3://cli-sync');
    expect((await readdir(back)).sort()).toEqual(['d0', 'd1', 'd2', 'd3']);
  });

  it('s3api calls: put-object, head-object, get-object, delete-objects, list-object-versions', async () => {
    await aws('s3api', 'create-bucket', '--bucket', 'cli-api');
    await writeFile(join(work, 'body.txt'), 'hello s3api');
    const put = JSON.parse(await aws('s3api', 'put-object', '--bucket', 'cli-api', '--key', 'k 1', '--body', join(work, 'body.txt'), '--metadata', 'a=b', '--content-type', 'text/plain'));
    expect(put.ETag).toBe(`"${createHash('md5').update('hello s3api').digest('hex')}"`);
    const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', 'cli-api', '--key', 'k 1'));
    expect(head).toMatchObject({ ContentLength: 11, ContentType: 'text/plain', Metadata: { a: 'b' } });
    await aws('s3api', 'get-object', '--bucket', 'cli-api', '--key', 'k 1', '--range', 'bytes=0-4', join(work, 'part.txt'));
    expect(await readFile(join(work, 'part.txt'), 'utf8')).toBe('hello');
    const versions = JSON.parse(await aws('s3api', 'list-object-versions', '--bucket', 'cli-api'));
    expect(versions.Versions.map((v: { VersionId: string }) => v.VersionId)).toEqual(['null']);
    const del = JSON.parse(await aws('s3api', 'delete-objects', '--bucket', 'cli-api', '--delete', 'Objects=[{Key="k 1"}],Quiet=false'));
    expect(del.Deleted).toEqual([{ Key: 'k 1' }]);
    const missing = await run('aws', ['s3api', 'head-object', '--bucket', 'cli-api', '--key', 'k 1'], { env: server.childEnv() });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/404/);
  });
});
