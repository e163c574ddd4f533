import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFile, hashTree, MiB, patternBuffer, sha256Hex, writePatternFile, writeTree } from '../../helpers/data.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { requireTool, runOk } from '../../helpers/tools.js';

/**
 * The aws cli's high-level s3 commands at size: a 300 MiB multipart cp both
 * ways, a 500-file sync both ways, recursive rm, and the multipart-upload
 * listing through s3api. Retries are off so any failed request surfaces.
 */
let server: TestServer;
let work: string;
let env: NodeJS.ProcessEnv;
const bucket = 'cli-matrix';

const aws = async (...args: string[]) => (await runOk('aws', args, { env })).stdout;
const json = async (...args: string[]) => JSON.parse((await aws(...args)).trim() || '{}');

beforeAll(async () => {
  await requireTool('aws');
  server = await startTestServer();
  env = { ...server.childEnv(), AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard', AWS_PAGER: '' };
  work = await mkdtemp(join(tmpdir(), 'cairn-clients-awscli-'));
  await aws('s3', 'mb', `s3://${bucket}`);
});
afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('aws cli', () => {
  it('cp of a 300 MiB file up (multipart) and down; sha256 equal, no upload left behind', async () => {
    const up = join(work, 'up-300MiB.bin');
    // The cli's defaults: multipart above 8 MiB, in 8 MiB parts.
    const written = await writePatternFile(up, 300 * MiB, 'awscli-300', 8 * MiB);
    await aws('s3', 'cp', '--no-progress', up, `s3://${bucket}/large/300MiB.bin`);

    const head = await json('s3api', 'head-object', '--bucket', bucket, '--key', 'large/300MiB.bin');
    expect(head.ContentLength).toBe(300 * MiB);
    expect(head.ETag).toBe(`"${written.multipartEtag}"`);

    const down = join(work, 'down-300MiB.bin');
    await aws('s3', 'cp', '--no-progress', `s3://${bucket}/large/300MiB.bin`, down);
    const got = await digestFile(down);
    expect(got.size).toBe(300 * MiB);
    expect(got.sha256).toBe(written.sha256);

    expect((await json('s3api', 'list-multipart-uploads', '--bucket', bucket)).Uploads ?? []).toEqual([]);
    await rm(up);
    await rm(down);
  }, 180_000);

  it('sync of 500 small files both ways; a second sync transfers nothing; rm --recursive empties it', async () => {
    const src = join(work, 'tree');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 500; i++) {
      const rel = `level ${i % 5}/sub-${i % 7}/${i % 3 === 0 ? 'deep/' : ''}file ${i}.dat`;
      files[rel] = patternBuffer((i * 131) % 5000, `awscli-sync-${i}`);
    }
    await writeTree(src, files);
    // Files older than anything the server will stamp, so "newer" comparisons are not decided by sub-second rounding.
    const past = new Date(Date.now() - 3_600_000);
    for (const rel of Object.keys(files)) await utimes(join(src, rel), past, past);
    const expected = Object.fromEntries(Object.entries(files).map(([rel, data]) => [rel, sha256Hex(data)]));
    expect(await hashTree(src)).toEqual(expected);

    const up = await aws('s3', 'sync', '--no-progress', src, `s3://${bucket}/tree`);
    expect(up.split('\n').filter((l) => l.startsWith('upload:')).length).toBe(500);

    const listed = await json('s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'tree/');
    expect((listed.Contents ?? []).length).toBe(500);
    const sizes = Object.fromEntries((listed.Contents as { Key: string; Size: number }[]).map((o) => [o.Key, o.Size]));
    for (const [rel, data] of Object.entries(files)) expect(sizes[`tree/${rel}`], rel).toBe(data.length);

    const back = join(work, 'back');
    const down = await aws('s3', 'sync', '--no-progress', `s3://${bucket}/tree`, back);
    expect(down.split('\n').filter((l) => l.startsWith('download:')).length).toBe(500);
    expect(await hashTree(back)).toEqual(await hashTree(src));

    expect((await aws('s3', 'sync', '--no-progress', src, `s3://${bucket}/tree`)).trim()).toBe('');
    expect((await aws('s3', 'sync', '--no-progress', `s3://${bucket}/tree`, back)).trim()).toBe('');

    const removed = await aws('s3', 'rm', '--recursive', `s3://${bucket}/tree`);
    expect(removed.split('\n').filter((l) => l.startsWith('delete:')).length).toBe(500);
    expect((await json('s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'tree/')).Contents ?? []).toEqual([]);
  }, 180_000);

  it('s3api list-multipart-uploads: empty, shows a created upload (and its part), empty again after abort', async () => {
    expect((await json('s3api', 'list-multipart-uploads', '--bucket', bucket)).Uploads ?? []).toEqual([]);

    const key = 'pending/upload one.bin';
    const created = await json('s3api', 'create-multipart-upload', '--bucket', bucket, '--key', key);
    expect(created).toMatchObject({ Bucket: bucket, Key: key });
    expect(typeof created.UploadId).toBe('string');

    const part = join(work, 'part1.bin');
    const partDigest = await writePatternFile(part, 5 * MiB, 'awscli-part');
    const uploaded = await json('s3api', 'upload-part', '--bucket', bucket, '--key', key, '--upload-id', created.UploadId, '--part-number', '1', '--body', part);
    expect(uploaded.ETag).toBe(`"${partDigest.md5}"`);

    const listed = await json('s3api', 'list-multipart-uploads', '--bucket', bucket);
    expect(listed.Uploads).toHaveLength(1);
    expect(listed.Uploads[0]).toMatchObject({ Key: key, UploadId: created.UploadId });

    const parts = await json('s3api', 'list-parts', '--bucket', bucket, '--key', key, '--upload-id', created.UploadId);
    expect(parts.Parts).toHaveLength(1);
    expect(parts.Parts[0]).toMatchObject({ PartNumber: 1, ETag: `"${partDigest.md5}"`, Size: 5 * MiB });

    await aws('s3api', 'abort-multipart-upload', '--bucket', bucket, '--key', key, '--upload-id', created.UploadId);
    expect((await json('s3api', 'list-multipart-uploads', '--bucket', bucket)).Uploads ?? []).toEqual([]);
    // Nothing became visible under the key.
    expect((await json('s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'pending/')).Contents ?? []).toEqual([]);
  }, 60_000);
});
