import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
  type Tag,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, sendSigned, signRaw } from '../helpers/raw-request.js';
import { expectPytestPasses } from '../helpers/pytest.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'tagging-e2e';

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => server?.stop());

/** Code, status and message an SDK call fails with; fails the test when it succeeds. */
async function failure(p: Promise<unknown>): Promise<{ code: string; status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { code: err.name, status: err.$metadata.httpStatusCode, message: err.message };
    throw err;
  }
  throw new Error('expected the request to fail');
}

const tagsOf = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));
const tagSetXml = (tags: { Key: string; Value: string }[]) =>
  `<Tagging><TagSet>${tags.map((t) => `<Tag><Key>${t.Key}</Key><Value>${t.Value}</Value></Tag>`).join('')}</TagSet></Tagging>`;
const md5 = (body: string) => createHash('md5').update(body).digest('base64');

async function put(key: string, tagging?: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'data', Tagging: tagging }));
}
async function tagsOfObject(key: string): Promise<Tag[] | undefined> {
  return (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet;
}

const INVALID_KEY = { code: 'InvalidTag', status: 400, message: 'The TagKey you have provided is invalid' };
const INVALID_VALUE = { code: 'InvalidTag', status: 400, message: 'The TagValue you have provided is invalid' };
const DUPLICATE = { code: 'InvalidTag', status: 400, message: 'Cannot provide multiple Tags with the same key' };
const RESERVED = { code: 'InvalidTag', status: 400, message: 'Your TagKey cannot be prefixed with aws:' };
const TOO_MANY_OBJECT_TAGS = { code: 'BadRequest', status: 400, message: 'Object tags cannot be greater than 10' };
const BAD_HEADER = {
  code: 'InvalidArgument',
  status: 400,
  message: "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
};

describe('PutObjectTagging / GetObjectTagging / DeleteObjectTagging', () => {
  it('answers an empty TagSet for an untagged object', async () => {
    await put('plain');
    expect(await tagsOfObject('plain')).toEqual([]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain' }));
    expect(head.TagCount).toBeUndefined();
  });

  it('sets, reads in the order set, counts, replaces and deletes the tag set', async () => {
    await put('tagged');
    const tags = [
      { Key: 'zeta', Value: 'last letter' },
      { Key: 'alpha', Value: '' },
      { Key: 'Path', Value: 'a/b:c=d+e-f_g.h@i' },
    ];
    const putResult = await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: tags } }));
    expect(putResult.$metadata.httpStatusCode).toBe(200);
    expect(await tagsOfObject('tagged')).toEqual(tags);
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'tagged' }))).TagCount).toBe(3);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tagged' }));
    expect(got.TagCount).toBe(3);
    await got.Body?.transformToString();

    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
    expect(await tagsOfObject('tagged')).toEqual([{ Key: 'only', Value: 'one' }]);

    const deleted = await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await tagsOfObject('tagged')).toEqual([]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'tagged' }))).TagCount).toBeUndefined();
    // The data is untouched by tag changes.
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tagged' }))).Body?.transformToString();
    expect(body).toBe('data');
  });

  it('accepts the limits exactly: 10 tags, 128-character keys, 256-character values, Unicode', async () => {
    await put('limits');
    const tags = Array.from({ length: 10 }, (_, i) => ({ Key: `${i}`.padEnd(128, 'k'), Value: 'v'.repeat(256) }));
    tags[9] = { Key: 'Ünïcødé 日本', Value: 'välue' };
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'limits', Tagging: { TagSet: tags } }));
    expect(await tagsOfObject('limits')).toEqual(tags);
  });

  it('clears every tag when given an empty TagSet', async () => {
    await put('to-clear', 'a=1');
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'to-clear', Tagging: { TagSet: [] } }));
    expect(await tagsOfObject('to-clear')).toEqual([]);
  });

  it('refuses invalid tag sets with AWS’s codes and leaves the old tags in place', async () => {
    await put('guarded', 'keep=me');
    const attempt = (TagSet: Tag[]) => failure(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'guarded', Tagging: { TagSet } })));
    expect(await attempt(tagsOf(11))).toEqual(TOO_MANY_OBJECT_TAGS);
    expect(await attempt([{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }])).toEqual(DUPLICATE);
    expect(await attempt([{ Key: 'k'.repeat(129), Value: 'v' }])).toEqual(INVALID_KEY);
    expect(await attempt([{ Key: 'k', Value: 'v'.repeat(257) }])).toEqual(INVALID_VALUE);
    expect(await attempt([{ Key: 'aws:cloudformation', Value: 'v' }])).toEqual(RESERVED);
    expect(await attempt([{ Key: 'AWS:x', Value: 'v' }])).toEqual(RESERVED);
    expect(await attempt([{ Key: 'bad&key', Value: 'v' }])).toEqual(INVALID_KEY);
    expect(await attempt([{ Key: 'k', Value: 'bad*value' }])).toEqual(INVALID_VALUE);
    expect(await tagsOfObject('guarded')).toEqual([{ Key: 'keep', Value: 'me' }]);
  });

  it('answers NoSuchKey for a missing object and NoSuchBucket for a missing bucket', async () => {
    const tagging = { TagSet: [{ Key: 'k', Value: 'v' }] };
    const noKey = { code: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' };
    expect(await failure(s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'missing' })))).toEqual(noKey);
    expect(await failure(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'missing', Tagging: tagging })))).toEqual(noKey);
    expect(await failure(s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'missing' })))).toEqual(noKey);
    expect((await failure(s3.send(new GetObjectTaggingCommand({ Bucket: 'no-such-bucket-t', Key: 'k' })))).code).toBe('NoSuchBucket');
    expect((await failure(s3.send(new PutObjectTaggingCommand({ Bucket: 'no-such-bucket-t', Key: 'k', Tagging: tagging })))).code).toBe('NoSuchBucket');
  });

  it('accepts versionId=null, the one version of an unversioned object', async () => {
    await put('versioned', 'a=1');
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'versioned', VersionId: 'null', Tagging: { TagSet: [{ Key: 'b', Value: '2' }] } }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'versioned', VersionId: 'null' }))).TagSet).toEqual([{ Key: 'b', Value: '2' }]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'versioned', VersionId: 'null' }));
    expect(await tagsOfObject('versioned')).toEqual([]);
    const other = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/versioned?tagging&versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY` });
    expect(other.status).toBeGreaterThanOrEqual(400);
    expect(other.status).toBeLessThan(500);
  });
});

describe('the Tagging document on the wire', () => {
  it('GetObjectTagging answers the namespaced document', async () => {
    await put('wire', 'k=v');
    const res = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/wire?tagging` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(res.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>',
    );
  });

  it('PutObjectTagging needs no Content-MD5', async () => {
    await put('no-md5');
    const res = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/no-md5?tagging`, body: tagSetXml([{ Key: 'a', Value: 'b' }]) });
    expect(res.status).toBe(200);
    expect(await tagsOfObject('no-md5')).toEqual([{ Key: 'a', Value: 'b' }]);
  });

  it('refuses malformed documents with MalformedXML', async () => {
    await put('malformed');
    for (const body of [
      '',
      '<Tagging><TagSet>',
      '<Tagging></Tagging>',
      '<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>',
      '<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>',
      '<Tags><TagSet/></Tags>',
      '<!DOCTYPE x [<!ENTITY e "x">]><Tagging><TagSet/></Tagging>',
    ]) {
      const res = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/malformed?tagging`, body });
      expect([res.status, res.code], body).toEqual([400, 'MalformedXML']);
    }
  });

  it('names the offending key (and value) in the InvalidTag error body', async () => {
    await put('named');
    const badKey = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/named?tagging`, body: tagSetXml([{ Key: 'ke&amp;y', Value: 'v' }]) });
    expect([badKey.status, badKey.code]).toEqual([400, 'InvalidTag']);
    expect(badKey.text).toContain('<Message>The TagKey you have provided is invalid</Message><TagKey>ke&amp;y</TagKey>');
    const badValue = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/named?tagging`, body: tagSetXml([{ Key: 'key', Value: 'inv&amp;alid' }]) });
    expect(badValue.text).toContain('<Message>The TagValue you have provided is invalid</Message><TagKey>key</TagKey><TagValue>inv&amp;alid</TagValue>');
  });

  it('refuses a body over the XML size cap', async () => {
    await put('big');
    const body = tagSetXml([{ Key: 'k', Value: 'v'.repeat(server.config.maxXmlBodyBytes) }]);
    const res = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/big?tagging`, body });
    expect([res.status, res.code]).toEqual([400, 'MaxMessageLengthExceeded']);
  });
});

describe('x-amz-tagging on PutObject', () => {
  it('stores the tags of the header in the order sent, and HEAD/GET count them', async () => {
    await put('with-header', 'project=cairn&cost%20center=R%2BD+lab&empty=');
    expect(await tagsOfObject('with-header')).toEqual([
      { Key: 'project', Value: 'cairn' },
      { Key: 'cost center', Value: 'R+D lab' },
      { Key: 'empty', Value: '' },
    ]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'with-header' }))).TagCount).toBe(3);
  });

  it('an overwrite without the header leaves the new object untagged', async () => {
    await put('overwritten', 'a=1');
    await put('overwritten');
    expect(await tagsOfObject('overwritten')).toEqual([]);
  });

  it('refuses a bad header with AWS’s codes and stores nothing', async () => {
    const attempt = (key: string, tagging: string) => failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', Tagging: tagging })));
    expect(await attempt('h1', 'a=1&a=2')).toEqual(BAD_HEADER);
    expect(await attempt('h2', '=')).toEqual(BAD_HEADER);
    expect(await attempt('h3', tagsOf(11).map((t) => `${t.Key}=${t.Value}`).join('&'))).toEqual(TOO_MANY_OBJECT_TAGS);
    expect(await attempt('h4', `${'k'.repeat(129)}=v`)).toEqual(INVALID_KEY);
    expect(await attempt('h5', `k=${'v'.repeat(257)}`)).toEqual(INVALID_VALUE);
    expect(await attempt('h6', 'aws%3Akey=v')).toEqual(RESERVED);
    expect(await attempt('h7', 'k=R%26D')).toEqual(INVALID_VALUE);
    for (const key of ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']) {
      expect((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).status).toBe(404);
    }
  });

  it('honours x-amz-tagging moved into a presigned URL’s query', async () => {
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/presigned?x-amz-tagging=${encodeURIComponent('a=b&c=d')}`, body: 'data' }, { presign: true });
    const res = await sendRaw(server.port, signed);
    expect(res.status).toBe(200);
    expect(await tagsOfObject('presigned')).toEqual([
      { Key: 'a', Value: 'b' },
      { Key: 'c', Value: 'd' },
    ]);
  });
});

describe('CopyObject and x-amz-tagging-directive', () => {
  beforeAll(async () => {
    await put('copy-src', 'origin=source&n=1');
  });
  const copy = (key: string, extra: Partial<ConstructorParameters<typeof CopyObjectCommand>[0]> = {}) =>
    s3.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/copy-src`, ...extra }));
  const sourceTags = [
    { Key: 'origin', Value: 'source' },
    { Key: 'n', Value: '1' },
  ];

  it('copies the source’s tags by default and with COPY, ignoring x-amz-tagging', async () => {
    await copy('copy-default');
    expect(await tagsOfObject('copy-default')).toEqual(sourceTags);
    await copy('copy-explicit', { TaggingDirective: 'COPY', Tagging: 'ignored=yes' });
    expect(await tagsOfObject('copy-explicit')).toEqual(sourceTags);
  });

  it('takes the header’s tags with REPLACE, and none when it is absent', async () => {
    await copy('copy-replace', { TaggingDirective: 'REPLACE', Tagging: 'fresh=tag' });
    expect(await tagsOfObject('copy-replace')).toEqual([{ Key: 'fresh', Value: 'tag' }]);
    await copy('copy-cleared', { TaggingDirective: 'REPLACE' });
    expect(await tagsOfObject('copy-cleared')).toEqual([]);
    expect(await tagsOfObject('copy-src')).toEqual(sourceTags);
  });

  it('refuses an unknown directive and a bad REPLACE header', async () => {
    expect(await failure(copy('copy-bad', { TaggingDirective: 'MERGE' as 'COPY' }))).toEqual({ code: 'InvalidArgument', status: 400, message: 'Unknown tagging directive.' });
    expect(await failure(copy('copy-bad', { TaggingDirective: 'REPLACE', Tagging: 'x=1&x=2' }))).toEqual(BAD_HEADER);
    expect(await failure(copy('copy-bad', { TaggingDirective: 'REPLACE', Tagging: 'aws%3Ax=1' }))).toEqual(RESERVED);
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy-bad' })))).status).toBe(404);
  });
});

describe('PutBucketTagging / GetBucketTagging / DeleteBucketTagging', () => {
  const tagBucket = 'tagging-bucket';
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: tagBucket }));
  });
  const noTagSet = { code: 'NoSuchTagSet', status: 404, message: 'The TagSet does not exist.' };

  it('answers NoSuchTagSet until tags are set, then the tags, then NoSuchTagSet after delete', async () => {
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: tagBucket })))).toEqual(noTagSet);
    const tags = [
      { Key: 'team', Value: 'storage' },
      { Key: 'Cost Center', Value: '42' },
    ];
    const putResult = await s3.send(new PutBucketTaggingCommand({ Bucket: tagBucket, Tagging: { TagSet: tags } }));
    expect(putResult.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: tagBucket }))).TagSet).toEqual(tags);
    const deleted = await s3.send(new DeleteBucketTaggingCommand({ Bucket: tagBucket }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: tagBucket })))).toEqual(noTagSet);
  });

  it('allows 50 tags and answers BadRequest for 51', async () => {
    await s3.send(new PutBucketTaggingCommand({ Bucket: tagBucket, Tagging: { TagSet: tagsOf(50) } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: tagBucket }))).TagSet).toHaveLength(50);
    expect(await failure(s3.send(new PutBucketTaggingCommand({ Bucket: tagBucket, Tagging: { TagSet: tagsOf(51) } })))).toEqual({
      code: 'BadRequest',
      status: 400,
      message: 'Bucket tag count cannot be greater than 50',
    });
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: tagBucket }))).TagSet).toHaveLength(50);
  });

  it('applies the tag rules', async () => {
    const attempt = (TagSet: Tag[]) => failure(s3.send(new PutBucketTaggingCommand({ Bucket: tagBucket, Tagging: { TagSet } })));
    expect(await attempt([{ Key: 'd', Value: '1' }, { Key: 'd', Value: '2' }])).toEqual(DUPLICATE);
    expect(await attempt([{ Key: 'k'.repeat(129), Value: 'v' }])).toEqual(INVALID_KEY);
    expect(await attempt([{ Key: '', Value: 'v' }])).toEqual(INVALID_KEY);
    expect(await attempt([{ Key: 'k', Value: 'v'.repeat(257) }])).toEqual(INVALID_VALUE);
    expect(await attempt([{ Key: 'aws:x', Value: 'v' }])).toEqual(RESERVED);
  });

  it('an empty TagSet leaves the bucket without a tag set', async () => {
    await s3.send(new PutBucketTaggingCommand({ Bucket: tagBucket, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: tagBucket, Tagging: { TagSet: [] } }));
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: tagBucket })))).toEqual(noTagSet);
  });

  it('stores its own serialisation, never the client’s text', async () => {
    const body = '<?xml version="1.0"?>\n<s3:Tagging xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">\n  <s3:TagSet>\n    <s3:Tag><s3:Key>k</s3:Key><s3:Value>a&#64;b</s3:Value><Extra>x</Extra></s3:Tag>\n  </s3:TagSet>\n</s3:Tagging>';
    const res = await sendSigned(server.port, { method: 'PUT', path: `/${tagBucket}?tagging`, headers: { 'content-md5': md5(body) }, body });
    expect(res.status).toBe(204);
    const got = await sendSigned(server.port, { method: 'GET', path: `/${tagBucket}?tagging` });
    expect(got.status).toBe(200);
    expect(got.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>a@b</Value></Tag></TagSet></Tagging>',
    );
  });

  it('requires Content-MD5 or a checksum, and refuses malformed XML', async () => {
    const body = tagSetXml([{ Key: 'k', Value: 'v' }]);
    const bare = await sendSigned(server.port, { method: 'PUT', path: `/${tagBucket}?tagging`, body });
    expect([bare.status, bare.code]).toEqual([400, 'InvalidRequest']);
    const badMd5 = await sendSigned(server.port, { method: 'PUT', path: `/${tagBucket}?tagging`, headers: { 'content-md5': md5('other') }, body });
    expect([badMd5.status, badMd5.code]).toEqual([400, 'BadDigest']);
    const broken = '<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>';
    const malformed = await sendSigned(server.port, { method: 'PUT', path: `/${tagBucket}?tagging`, headers: { 'content-md5': md5(broken) }, body: broken });
    expect([malformed.status, malformed.code]).toEqual([400, 'MalformedXML']);
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    for (const command of [
      new GetBucketTaggingCommand({ Bucket: 'no-such-bucket-t' }),
      new PutBucketTaggingCommand({ Bucket: 'no-such-bucket-t', Tagging: { TagSet: [] } }),
      new DeleteBucketTaggingCommand({ Bucket: 'no-such-bucket-t' }),
    ]) {
      expect(await failure(s3.send(command as GetBucketTaggingCommand))).toMatchObject({ code: 'NoSuchBucket', status: 404 });
    }
  });
});

it('passes the boto3 tagging suite (pytest)', async () => {
  await expectPytestPasses(server, 'test_tagging.py');
}, 300_000);
