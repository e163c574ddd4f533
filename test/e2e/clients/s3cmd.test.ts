import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFile, MiB, writePatternFile } from '../../helpers/data.js';
import type { RunResult } from '../../helpers/run.js';
import { ACCESS_KEY, REGION, SECRET_KEY, startTestServer, type TestServer } from '../../helpers/server.js';
import { requireTool, runOk } from '../../helpers/tools.js';

/**
 * s3cmd with a config file of its own, path-style against the test server,
 * once signing with SigV4 and once with SigV2: put/get/ls/del, a multipart put
 * in 5 MiB chunks, and `info` (HEAD plus GET ?policy, ?cors and ?acl).
 */
let server: TestServer;
let client: S3Client;
let work: string;

beforeAll(async () => {
  await requireTool('s3cmd');
  server = await startTestServer();
  client = server.client();
  work = await mkdtemp(join(tmpdir(), 'cairn-clients-s3cmd-'));
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each([
  { variant: 'sigv4', signatureV2: false },
  { variant: 'sigv2', signatureV2: true },
])('s3cmd ($variant)', ({ variant, signatureV2 }) => {
  const bucket = `s3cmd-${variant}`;
  let dir: string;
  let config: string;

  const s3cmd = async (...args: string[]): Promise<RunResult> => {
    const result = await runOk('s3cmd', ['-c', config, '--no-progress', ...args], { env: { ...server.childEnv(), HOME: dir } });
    // s3cmd retries failed requests by itself (sleeping 3 s, 6 s, ...): a retry is a failure here.
    expect(result.stderr, `s3cmd ${args.join(' ')}`).not.toMatch(/Retrying|MD5 signatures do not match/);
    return result;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(work, `${variant}-`));
    config = join(dir, 's3cfg');
    const host = `127.0.0.1:${server.port}`;
    await writeFile(
      config,
      [
        '[default]',
        `access_key = ${ACCESS_KEY}`,
        `secret_key = ${SECRET_KEY}`,
        `host_base = ${host}`,
        `host_bucket = ${host}`,
        `bucket_location = ${REGION}`,
        'use_https = False',
        `signature_v2 = ${signatureV2 ? 'True' : 'False'}`,
        'progress_meter = False',
        '',
      ].join('\n'),
    );
    await s3cmd('mb', `s3://${bucket}`);
  });

  it('put, ls, get (bytes equal by sha256), del', async () => {
    const up = join(dir, 'small.bin');
    const written = await writePatternFile(up, 300_001, `s3cmd-small-${variant}`);
    const uri = `s3://${bucket}/dir/small file ü.bin`;
    await s3cmd('put', up, uri);

    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/small file ü.bin' }));
    expect(head.ETag).toBe(`"${written.md5}"`);

    const ls = (await s3cmd('ls', `s3://${bucket}/dir/`)).stdout;
    expect(ls).toMatch(new RegExp(`\\s300001\\s+s3://${bucket}/dir/small file ü\\.bin`));

    const down = join(dir, 'small.down');
    await s3cmd('get', '--force', uri, down);
    expect((await digestFile(down)).sha256).toBe(written.sha256);

    await s3cmd('del', uri);
    expect((await s3cmd('ls', '--recursive', `s3://${bucket}`)).stdout.trim()).toBe('');
  }, 60_000);

  it('multipart put of 50 MiB in 5 MiB chunks, get (sha256 equal), info, del', async () => {
    const up = join(dir, 'big.bin');
    const written = await writePatternFile(up, 50 * MiB, `s3cmd-big-${variant}`, 5 * MiB);
    const key = 'big/50 MiB.bin';
    const uri = `s3://${bucket}/${key}`;
    const put = await s3cmd('put', '--multipart-chunk-size-mb=5', up, uri);
    expect(put.stdout).toMatch(/52428800 bytes/);

    // Ten 5 MiB parts: the ETag is the multipart one.
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(50 * MiB);
    expect(head.ETag).toBe(`"${written.multipartEtag}"`);

    const down = join(dir, 'big.down');
    await s3cmd('get', '--force', uri, down);
    const got = await digestFile(down);
    expect(got.size).toBe(50 * MiB);
    expect(got.sha256).toBe(written.sha256);

    const info = (await s3cmd('info', uri)).stdout;
    expect(info).toContain(`${uri} (object):`);
    expect(info).toMatch(/File size: 52428800/);
    // s3cmd shows the MD5 it stored in x-amz-meta-s3cmd-attrs for multipart objects.
    expect(info).toMatch(new RegExp(`MD5 sum:\\s+${written.md5}`));
    expect(info).toMatch(/ACL:\s+\S.*FULL_CONTROL/);

    // No upload is left in progress.
    const multipart = (await s3cmd('multipart', `s3://${bucket}`)).stdout;
    expect(multipart).not.toMatch(/s3:\/\/.*big/);

    await s3cmd('del', uri);
    expect((await s3cmd('ls', '--recursive', `s3://${bucket}`)).stdout.trim()).toBe('');
    await rm(up);
    await rm(down);
  }, 120_000);

  it('info on the bucket', async () => {
    const info = (await s3cmd('info', `s3://${bucket}`)).stdout;
    expect(info).toContain(`s3://${bucket}/ (bucket):`);
    expect(info).toMatch(/Location:\s+\S+/);
    expect(info).toMatch(/ACL:\s+\S.*FULL_CONTROL/);
  }, 60_000);
});
