/**
 * Every S3 operation the router recognises, as data. The router matches a
 * request against this table; the dispatcher switches over the names; the
 * authentication test enumerates it. Order matters within a target+method:
 * the first route whose selector matches wins, so sub-resource routes come
 * before the plain one.
 */
export type RouteTarget = 'service' | 'bucket' | 'object';
export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

export interface RouteSpec {
  readonly name: string;
  readonly target: RouteTarget;
  readonly method: HttpMethod;
  /** Query parameter that must be present (S3 "sub-resource"). */
  readonly query?: string;
  /** Query parameter value that must match, e.g. list-type=2. */
  readonly queryValue?: string;
  /** Header that must be present (e.g. x-amz-copy-source selects CopyObject). */
  readonly header?: string;
}

const r = <N extends string>(target: RouteTarget, method: HttpMethod, name: N, query?: string, extra: Partial<RouteSpec> = {}) => ({
  target,
  method,
  name,
  query,
  ...extra,
}) as RouteSpec & { readonly name: N };

export const ROUTES = [
  r('service', 'GET', 'ListBuckets'),

  r('bucket', 'GET', 'GetBucketLocation', 'location'),
  r('bucket', 'GET', 'GetBucketPolicyStatus', 'policyStatus'),
  r('bucket', 'GET', 'ListMultipartUploads', 'uploads'),
  r('bucket', 'GET', 'ListObjectVersions', 'versions'),
  r('bucket', 'GET', 'ListObjectsV2', 'list-type', { queryValue: '2' }),
  r('bucket', 'GET', 'GetBucketAcl', 'acl'),
  r('bucket', 'PUT', 'PutBucketAcl', 'acl'),
  r('bucket', 'GET', 'GetBucketCors', 'cors'),
  r('bucket', 'PUT', 'PutBucketCors', 'cors'),
  r('bucket', 'DELETE', 'DeleteBucketCors', 'cors'),
  r('bucket', 'GET', 'GetBucketLifecycleConfiguration', 'lifecycle'),
  r('bucket', 'PUT', 'PutBucketLifecycleConfiguration', 'lifecycle'),
  r('bucket', 'DELETE', 'DeleteBucketLifecycleConfiguration', 'lifecycle'),
  r('bucket', 'GET', 'GetBucketPolicy', 'policy'),
  r('bucket', 'PUT', 'PutBucketPolicy', 'policy'),
  r('bucket', 'DELETE', 'DeleteBucketPolicy', 'policy'),
  r('bucket', 'GET', 'GetBucketTagging', 'tagging'),
  r('bucket', 'PUT', 'PutBucketTagging', 'tagging'),
  r('bucket', 'DELETE', 'DeleteBucketTagging', 'tagging'),
  r('bucket', 'GET', 'GetBucketVersioning', 'versioning'),
  r('bucket', 'PUT', 'PutBucketVersioning', 'versioning'),
  r('bucket', 'GET', 'GetBucketWebsite', 'website'),
  r('bucket', 'PUT', 'PutBucketWebsite', 'website'),
  r('bucket', 'DELETE', 'DeleteBucketWebsite', 'website'),
  r('bucket', 'GET', 'GetBucketEncryption', 'encryption'),
  r('bucket', 'PUT', 'PutBucketEncryption', 'encryption'),
  r('bucket', 'DELETE', 'DeleteBucketEncryption', 'encryption'),
  r('bucket', 'GET', 'GetObjectLockConfiguration', 'object-lock'),
  r('bucket', 'PUT', 'PutObjectLockConfiguration', 'object-lock'),
  r('bucket', 'GET', 'GetBucketNotificationConfiguration', 'notification'),
  r('bucket', 'PUT', 'PutBucketNotificationConfiguration', 'notification'),
  r('bucket', 'GET', 'GetBucketLogging', 'logging'),
  r('bucket', 'PUT', 'PutBucketLogging', 'logging'),
  r('bucket', 'GET', 'GetBucketReplication', 'replication'),
  r('bucket', 'PUT', 'PutBucketReplication', 'replication'),
  r('bucket', 'DELETE', 'DeleteBucketReplication', 'replication'),
  r('bucket', 'GET', 'GetBucketOwnershipControls', 'ownershipControls'),
  r('bucket', 'PUT', 'PutBucketOwnershipControls', 'ownershipControls'),
  r('bucket', 'DELETE', 'DeleteBucketOwnershipControls', 'ownershipControls'),
  r('bucket', 'GET', 'GetPublicAccessBlock', 'publicAccessBlock'),
  r('bucket', 'PUT', 'PutPublicAccessBlock', 'publicAccessBlock'),
  r('bucket', 'DELETE', 'DeletePublicAccessBlock', 'publicAccessBlock'),
  r('bucket', 'GET', 'GetBucketAccelerateConfiguration', 'accelerate'),
  r('bucket', 'PUT', 'PutBucketAccelerateConfiguration', 'accelerate'),
  r('bucket', 'GET', 'GetBucketRequestPayment', 'requestPayment'),
  r('bucket', 'PUT', 'PutBucketRequestPayment', 'requestPayment'),
  r('bucket', 'GET', 'GetBucketIntelligentTieringConfiguration', 'intelligent-tiering'),
  r('bucket', 'PUT', 'PutBucketIntelligentTieringConfiguration', 'intelligent-tiering'),
  r('bucket', 'DELETE', 'DeleteBucketIntelligentTieringConfiguration', 'intelligent-tiering'),
  r('bucket', 'GET', 'GetBucketAnalyticsConfiguration', 'analytics'),
  r('bucket', 'PUT', 'PutBucketAnalyticsConfiguration', 'analytics'),
  r('bucket', 'DELETE', 'DeleteBucketAnalyticsConfiguration', 'analytics'),
  r('bucket', 'GET', 'GetBucketInventoryConfiguration', 'inventory'),
  r('bucket', 'PUT', 'PutBucketInventoryConfiguration', 'inventory'),
  r('bucket', 'DELETE', 'DeleteBucketInventoryConfiguration', 'inventory'),
  r('bucket', 'GET', 'GetBucketMetricsConfiguration', 'metrics'),
  r('bucket', 'PUT', 'PutBucketMetricsConfiguration', 'metrics'),
  r('bucket', 'DELETE', 'DeleteBucketMetricsConfiguration', 'metrics'),
  r('bucket', 'GET', 'ListObjects'),
  r('bucket', 'HEAD', 'HeadBucket'),
  r('bucket', 'PUT', 'CreateBucket'),
  r('bucket', 'POST', 'DeleteObjects', 'delete'),
  r('bucket', 'POST', 'PostObject'),
  r('bucket', 'DELETE', 'DeleteBucket'),

  r('object', 'GET', 'GetObjectAcl', 'acl'),
  r('object', 'GET', 'GetObjectTagging', 'tagging'),
  r('object', 'GET', 'GetObjectRetention', 'retention'),
  r('object', 'GET', 'GetObjectLegalHold', 'legal-hold'),
  r('object', 'GET', 'GetObjectAttributes', 'attributes'),
  r('object', 'GET', 'GetObjectTorrent', 'torrent'),
  r('object', 'GET', 'ListParts', 'uploadId'),
  r('object', 'GET', 'GetObject'),
  r('object', 'HEAD', 'HeadObject'),
  r('object', 'PUT', 'PutObjectAcl', 'acl'),
  r('object', 'PUT', 'PutObjectTagging', 'tagging'),
  r('object', 'PUT', 'PutObjectRetention', 'retention'),
  r('object', 'PUT', 'PutObjectLegalHold', 'legal-hold'),
  r('object', 'PUT', 'UploadPartCopy', 'uploadId', { header: 'x-amz-copy-source' }),
  r('object', 'PUT', 'UploadPart', 'uploadId'),
  r('object', 'PUT', 'CopyObject', undefined, { header: 'x-amz-copy-source' }),
  r('object', 'PUT', 'PutObject'),
  r('object', 'POST', 'CreateMultipartUpload', 'uploads'),
  r('object', 'POST', 'CompleteMultipartUpload', 'uploadId'),
  r('object', 'POST', 'RestoreObject', 'restore'),
  r('object', 'POST', 'SelectObjectContent', 'select'),
  r('object', 'DELETE', 'DeleteObjectTagging', 'tagging'),
  r('object', 'DELETE', 'AbortMultipartUpload', 'uploadId'),
  r('object', 'DELETE', 'DeleteObject'),
] as const satisfies readonly RouteSpec[];

export type OperationName = (typeof ROUTES)[number]['name'];
