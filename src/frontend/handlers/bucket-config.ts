import type { S3ErrorCode } from '../../s3/errors.js';
import { S3Error } from '../../s3/errors.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';

/**
 * Reading a bucket configuration that has never been set answers what AWS
 * answers for an unconfigured bucket: a "not found" error for some kinds, an
 * empty document for others. Setting them arrives with the issues that give
 * them meaning (lifecycle, policy, CORS, …); until then their Put routes
 * answer NotImplemented, so the unconfigured answer is the true state.
 */
const UNCONFIGURED: Partial<Record<string, S3ErrorCode | (() => string)>> = {
  GetBucketPolicy: 'NoSuchBucketPolicy',
  GetBucketPolicyStatus: 'NoSuchBucketPolicy',
  GetBucketCors: 'NoSuchCORSConfiguration',
  GetBucketLifecycleConfiguration: 'NoSuchLifecycleConfiguration',
  GetBucketWebsite: 'NoSuchWebsiteConfiguration',
  GetBucketEncryption: 'ServerSideEncryptionConfigurationNotFoundError',
  GetBucketReplication: 'ReplicationConfigurationNotFoundError',
  GetObjectLockConfiguration: 'ObjectLockConfigurationNotFoundError',
  GetPublicAccessBlock: 'NoSuchPublicAccessBlockConfiguration',
  GetBucketOwnershipControls: 'OwnershipControlsNotFoundError',
  GetBucketNotificationConfiguration: () => buildXml('NotificationConfiguration', {}),
  GetBucketLogging: () => buildXml('BucketLoggingStatus', {}),
  GetBucketAccelerateConfiguration: () => buildXml('AccelerateConfiguration', {}),
  GetBucketRequestPayment: () => buildXml('RequestPaymentConfiguration', { Payer: 'BucketOwner' }),
};


export async function getUnconfiguredBucketConfig(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = (req.op as Extract<S3Request['op'], { target: 'bucket' }>).bucket;
  const missing = UNCONFIGURED[req.op.name];
  if (!missing) throw new S3Error('NotImplemented');
  await deps.registry.resolve(bucket).headBucket(bucket, req.signal);
  if (typeof missing === 'function') return xmlReply(missing());
  throw new S3Error(missing, { extra: { BucketName: bucket } });
}
