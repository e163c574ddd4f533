import { S3Error } from '../s3/errors.js';
import type { FrontDoorDeps, S3Request } from './context.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './handlers/acl.js';
import { getUnconfiguredBucketConfig } from './handlers/bucket-config.js';
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket, listBuckets } from './handlers/buckets.js';
import { copyObject } from './handlers/copy-object.js';
import { deleteObjects } from './handlers/delete-objects.js';
import { listObjectsV1, listObjectsV2, listObjectVersions } from './handlers/list.js';
import { completeMultipartUpload } from './handlers/multipart-complete.js';
import { uploadPartCopy } from './handlers/multipart-copy-part.js';
import { createMultipartUpload } from './handlers/multipart-create.js';
import { listMultipartUploads } from './handlers/multipart-list-uploads.js';
import { abortMultipartUpload, listParts } from './handlers/multipart-parts.js';
import { uploadPart } from './handlers/multipart-upload-part.js';
import { getObjectAttributes } from './handlers/object-attributes.js';
import { getObject, headObject } from './handlers/objects-read.js';
import { selectObjectContentHandler } from './handlers/select-object-content.js';
import { deleteObject, putObject } from './handlers/objects-write.js';
import { deleteBucketTagging, deleteObjectTagging, getBucketTagging, getObjectTagging, putBucketTagging, putObjectTagging } from './handlers/tagging.js';
import type { S3Reply } from './reply.js';

/**
 * The one exhaustive switch from operation to handler. Operations the router
 * knows but cairn does not serve yet answer NotImplemented (501), so a client
 * always learns that, never a 404 or a 500.
 */
export function dispatch(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const name = req.op.name;
  switch (name) {
    case 'ListBuckets':
      return listBuckets(req, deps);
    case 'CreateBucket':
      return createBucket(req, deps);
    case 'HeadBucket':
      return headBucket(req, deps);
    case 'DeleteBucket':
      return deleteBucket(req, deps);
    case 'GetBucketLocation':
      return getBucketLocation(req, deps);
    case 'GetBucketVersioning':
      return getBucketVersioning(req, deps);
    case 'ListObjects':
      return listObjectsV1(req, deps);
    case 'ListObjectsV2':
      return listObjectsV2(req, deps);
    case 'ListObjectVersions':
      return listObjectVersions(req, deps);
    case 'PutObject':
      return putObject(req, deps);
    case 'GetObject':
      return getObject(req, deps);
    case 'HeadObject':
      return headObject(req, deps);
    case 'DeleteObject':
      return deleteObject(req, deps);
    case 'DeleteObjects':
      return deleteObjects(req, deps);
    case 'CopyObject':
      return copyObject(req, deps);
    case 'GetBucketAcl':
      return getBucketAcl(req, deps);
    case 'PutBucketAcl':
      return putBucketAcl(req, deps);
    case 'GetObjectAcl':
      return getObjectAcl(req, deps);
    case 'PutObjectAcl':
      return putObjectAcl(req, deps);
    case 'GetObjectTagging':
      return getObjectTagging(req, deps);
    case 'PutObjectTagging':
      return putObjectTagging(req, deps);
    case 'DeleteObjectTagging':
      return deleteObjectTagging(req, deps);
    case 'GetBucketTagging':
      return getBucketTagging(req, deps);
    case 'PutBucketTagging':
      return putBucketTagging(req, deps);
    case 'DeleteBucketTagging':
      return deleteBucketTagging(req, deps);
    case 'CreateMultipartUpload':
      return createMultipartUpload(req, deps);
    case 'UploadPart':
      return uploadPart(req, deps);
    case 'UploadPartCopy':
      return uploadPartCopy(req, deps);
    case 'CompleteMultipartUpload':
      return completeMultipartUpload(req, deps);
    case 'AbortMultipartUpload':
      return abortMultipartUpload(req, deps);
    case 'ListParts':
      return listParts(req, deps);
    case 'ListMultipartUploads':
      return listMultipartUploads(req, deps);
    case 'GetObjectAttributes':
      return getObjectAttributes(req, deps);
    case 'SelectObjectContent':
      return selectObjectContentHandler(req, deps);
    case 'GetBucketPolicy':
    case 'GetBucketPolicyStatus':
    case 'GetBucketCors':
    case 'GetBucketLifecycleConfiguration':
    case 'GetBucketWebsite':
    case 'GetBucketEncryption':
    case 'GetBucketReplication':
    case 'GetObjectLockConfiguration':
    case 'GetPublicAccessBlock':
    case 'GetBucketOwnershipControls':
    case 'GetBucketNotificationConfiguration':
    case 'GetBucketLogging':
    case 'GetBucketAccelerateConfiguration':
    case 'GetBucketRequestPayment':
      return getUnconfiguredBucketConfig(req, deps);
    case 'PutBucketCors':
    case 'DeleteBucketCors':
    case 'PutBucketLifecycleConfiguration':
    case 'DeleteBucketLifecycleConfiguration':
    case 'PutBucketPolicy':
    case 'DeleteBucketPolicy':
    case 'PutBucketVersioning':
    case 'PutBucketWebsite':
    case 'DeleteBucketWebsite':
    case 'PutBucketEncryption':
    case 'DeleteBucketEncryption':
    case 'PutObjectLockConfiguration':
    case 'PutBucketNotificationConfiguration':
    case 'PutBucketLogging':
    case 'PutBucketReplication':
    case 'DeleteBucketReplication':
    case 'PutBucketOwnershipControls':
    case 'DeleteBucketOwnershipControls':
    case 'PutPublicAccessBlock':
    case 'DeletePublicAccessBlock':
    case 'PutBucketAccelerateConfiguration':
    case 'PutBucketRequestPayment':
    case 'GetBucketIntelligentTieringConfiguration':
    case 'PutBucketIntelligentTieringConfiguration':
    case 'DeleteBucketIntelligentTieringConfiguration':
    case 'GetBucketAnalyticsConfiguration':
    case 'PutBucketAnalyticsConfiguration':
    case 'DeleteBucketAnalyticsConfiguration':
    case 'GetBucketInventoryConfiguration':
    case 'PutBucketInventoryConfiguration':
    case 'DeleteBucketInventoryConfiguration':
    case 'GetBucketMetricsConfiguration':
    case 'PutBucketMetricsConfiguration':
    case 'DeleteBucketMetricsConfiguration':
    case 'PostObject':
    case 'GetObjectRetention':
    case 'GetObjectLegalHold':
    case 'GetObjectTorrent':
    case 'PutObjectRetention':
    case 'PutObjectLegalHold':
    case 'RestoreObject':
      throw new S3Error('NotImplemented', { message: `${name} is not implemented by this server.` });
    default:
      return assertNever(name);
  }
}

function assertNever(name: never): never {
  throw new Error(`unhandled operation ${String(name)}`);
}
