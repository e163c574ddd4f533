import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectLockConfigurationCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, startTestServer, type TestServer } from '../helpers/server.js';
import { sdkErrorOf } from '../helpers/errors.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'settings';

const errorOf = sdkErrorOf;

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: 'x' }));
});
afterAll(async () => server?.stop());

describe('ACLs: everything is private to its owner', () => {
  it('reads the owner-only ACL of buckets and objects', async () => {
    for (const acl of [await s3.send(new GetBucketAclCommand({ Bucket: bucket })), await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'obj' }))]) {
      expect(acl.Owner?.ID).toBe(ACCESS_KEY);
      expect(acl.Grants).toEqual([{ Grantee: { ID: ACCESS_KEY, DisplayName: ACCESS_KEY, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }]);
    }
    expect(await errorOf(s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'missing' })))).toMatchObject({ status: 404 });
  });

  it('accepts private and refuses grants to others', async () => {
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' }));
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'obj', ACL: 'private' }));
    expect(await errorOf(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'obj', ACL: 'public-read' })))).toEqual({ name: 'AccessControlListNotSupported', status: 400 });
  });
});

describe('an unconfigured bucket answers as AWS does', () => {
  it.each([
    ['policy', () => new GetBucketPolicyCommand({ Bucket: bucket }), 'NoSuchBucketPolicy'],
    ['cors', () => new GetBucketCorsCommand({ Bucket: bucket }), 'NoSuchCORSConfiguration'],
    ['lifecycle', () => new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }), 'NoSuchLifecycleConfiguration'],
    ['tagging', () => new GetBucketTaggingCommand({ Bucket: bucket }), 'NoSuchTagSet'],
    ['encryption', () => new GetBucketEncryptionCommand({ Bucket: bucket }), 'ServerSideEncryptionConfigurationNotFoundError'],
    ['object lock', () => new GetObjectLockConfigurationCommand({ Bucket: bucket }), 'ObjectLockConfigurationNotFoundError'],
  ] as const)('%s: 404 %s', async (_what, command, code) => {
    expect(await errorOf(s3.send(command() as never))).toEqual({ name: code, status: 404 });
  });

  it('versioning and notifications read as empty documents', async () => {
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBeUndefined();
    const notifications = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(notifications.TopicConfigurations ?? []).toEqual([]);
  });

  it('a missing bucket is NoSuchBucket first', async () => {
    expect(await errorOf(s3.send(new GetBucketPolicyCommand({ Bucket: 'no-such-settings' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
  });
});
