import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
  type ListMultipartUploadsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkErrorOf } from '../helpers/errors.js';
import { sendSigned } from '../helpers/raw-request.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'mpu-listing';
/** Uploads in the order S3 lists them: key, then initiation. "dup" has three. */
const created: { key: string; uploadId: string }[] = [];
const KEYS = ['a.txt', 'dup', 'dup', 'dup', 'logs/2024/x', 'logs/2025/y', 'logs/z', 'photos/p1', 'photos/p2', 'zeta'];

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const key of KEYS) {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    created.push({ key, uploadId: UploadId! });
  }
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

const list = (input: Partial<ConstructorParameters<typeof ListMultipartUploadsCommand>[0]> = {}) => s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, ...input }));
const pairs = (out: ListMultipartUploadsCommandOutput) => (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));

describe('ListMultipartUploads', () => {
  it('lists every upload by key, then initiation, with initiator, owner and storage class', async () => {
    const out = await list();
    expect(pairs(out)).toEqual(created);
    expect(out.IsTruncated).toBe(false);
    expect(out.MaxUploads).toBe(1000);
    expect(out.Uploads?.[0]).toMatchObject({ StorageClass: 'STANDARD', Initiator: { ID: expect.any(String) }, Owner: { ID: expect.any(String) } });
    expect(out.Uploads?.[0].Initiated).toBeInstanceOf(Date);
  });

  it('pages with max-uploads and NextKeyMarker / NextUploadIdMarker, also through a key with several uploads', async () => {
    const seen: { key: string; uploadId: string }[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (let page = 0; page < 20; page++) {
      const out = await list({ MaxUploads: 2, KeyMarker, UploadIdMarker });
      seen.push(...pairs(out));
      if (!out.IsTruncated) break;
      KeyMarker = out.NextKeyMarker;
      UploadIdMarker = out.NextUploadIdMarker;
    }
    expect(seen).toEqual(created);
  });

  it('key-marker alone lists keys strictly after it; with upload-id-marker, the rest of that key first', async () => {
    expect(pairs(await list({ KeyMarker: 'dup' })).map((u) => u.key)).toEqual(KEYS.slice(4));
    const dups = created.filter((u) => u.key === 'dup');
    expect(pairs(await list({ KeyMarker: 'dup', UploadIdMarker: dups[0].uploadId }))).toEqual(created.slice(2));
  });

  it('groups by delimiter into CommonPrefixes, counted towards max-uploads, and pages past a prefix', async () => {
    const out = await list({ Delimiter: '/' });
    expect(pairs(out).map((u) => u.key)).toEqual(['a.txt', 'dup', 'dup', 'dup', 'zeta']);
    expect(out.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['logs/', 'photos/']);
    const first = await list({ Delimiter: '/', MaxUploads: 5 });
    expect(first.IsTruncated).toBe(true);
    expect(first.NextKeyMarker).toBe('logs/');
    const second = await list({ Delimiter: '/', MaxUploads: 5, KeyMarker: first.NextKeyMarker, UploadIdMarker: first.NextUploadIdMarker });
    expect(second.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['photos/']);
    expect(pairs(second).map((u) => u.key)).toEqual(['zeta']);
  });

  it('filters by prefix, rolling up below it', async () => {
    const out = await list({ Prefix: 'logs/', Delimiter: '/' });
    expect(out.Prefix).toBe('logs/');
    expect(pairs(out).map((u) => u.key)).toEqual(['logs/z']);
    expect(out.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['logs/2024/', 'logs/2025/']);
  });

  it('url-encodes keys and prefixes with encoding-type=url; refuses bad parameters', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'space key+é' }));
    const r = await sendSigned(server.port, { method: 'GET', path: `/${bucket}?uploads&encoding-type=url&prefix=space` });
    expect(r.status).toBe(200);
    expect(r.text).toContain('<Key>space%20key%2B%C3%A9</Key>');
    expect(r.text).toContain(`<UploadId>${UploadId}</UploadId>`);
    expect(r.text).toContain('<EncodingType>url</EncodingType>');
    const bad = await sendSigned(server.port, { method: 'GET', path: `/${bucket}?uploads&max-uploads=lots` });
    expect([bad.status, bad.code]).toEqual([400, 'InvalidArgument']);
    const enc = await sendSigned(server.port, { method: 'GET', path: `/${bucket}?uploads&encoding-type=base64` });
    expect([enc.status, enc.code]).toEqual([400, 'InvalidArgument']);
    expect(await sdkErrorOf(s3.send(new ListMultipartUploadsCommand({ Bucket: 'no-such-bucket-here' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
  });
});

describe('ListParts', () => {
  it('pages with max-parts and part-number-marker', async () => {
    const { key, uploadId } = created[0];
    for (const n of [1, 2, 3, 5, 8]) await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: `part ${n}` }));
    const first = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 2 }));
    expect(first.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect([first.IsTruncated, first.NextPartNumberMarker, first.MaxParts]).toEqual([true, '2', 2]);
    const rest = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 2, PartNumberMarker: '3' }));
    expect(rest.Parts?.map((p) => p.PartNumber)).toEqual([5, 8]);
    expect(rest.IsTruncated).toBe(false);
    expect(rest.Parts?.[0]).toMatchObject({ Size: 6, ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/), LastModified: expect.any(Date) });
    const bad = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/${key}?uploadId=${uploadId}&max-parts=-1` });
    expect([bad.status, bad.code]).toEqual([400, 'InvalidArgument']);
  });
});
