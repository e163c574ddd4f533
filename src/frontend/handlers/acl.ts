import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { emptyReply, xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';
import { childElement, childElements, childText, parseXml } from '../xml/parse.js';
import { ownerOf } from './owner.js';
import { objectOf, versionIdOf } from './object-target.js';

/**
 * ACLs: every bucket and object is private to its owner (the only grant is
 * the owner's FULL_CONTROL), which is also what AWS enforces by default since
 * 2023 (Object Ownership "bucket owner enforced"). Reads report that; writes
 * that keep it (canned `private`, or the owner-only policy) succeed, anything
 * that would grant access to others is refused as AWS does when ACLs are
 * disabled.
 */
function privatePolicy(req: S3Request): string {
  const owner = ownerOf(req.principal);
  return buildXml('AccessControlPolicy', {
    Owner: owner,
    AccessControlList: {
      Grant: {
        Grantee: { $attributes: { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xsi:type': 'CanonicalUser' }, ...owner },
        Permission: 'FULL_CONTROL',
      },
    },
  });
}

const aclNotSupported = () =>
  new S3Error('AccessControlListNotSupported', { message: 'The bucket does not allow ACLs: only the owner-only (private) ACL can be set.' });

/** Accepts only an ACL that keeps the resource private to its owner. */
async function assertPrivateAcl(req: S3Request, deps: FrontDoorDeps): Promise<void> {
  const canned = req.headers['x-amz-acl'];
  if (canned !== undefined) {
    if (canned !== 'private' && canned !== 'bucket-owner-full-control') throw aclNotSupported();
    return;
  }
  if (Object.keys(req.headers).some((h) => h.startsWith('x-amz-grant-'))) throw aclNotSupported();
  if (!req.hasBody()) throw new S3Error('MalformedACLError', { message: 'An ACL must be given as x-amz-acl or a request body.' });
  const doc = parseXml((await req.readSmallBody(deps.settings.maxXmlBodyBytes)).toString('utf8'), 'AccessControlPolicy');
  const list = childElement(doc, 'AccessControlList');
  const grants = list ? childElements(list, 'Grant') : [];
  const ownerId = ownerOf(req.principal).ID;
  const ownerOnly = grants.every((g) => {
    const grantee = childElement(g, 'Grantee');
    return grantee !== undefined && childText(grantee, 'ID') === ownerId && childText(g, 'Permission') === 'FULL_CONTROL';
  });
  if (!ownerOnly) throw aclNotSupported();
}

export async function getBucketAcl(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = (req.op as Extract<S3Request['op'], { target: 'bucket' }>).bucket;
  await deps.registry.resolve(bucket).headBucket(bucket, req.signal);
  return xmlReply(privatePolicy(req));
}

export async function putBucketAcl(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = (req.op as Extract<S3Request['op'], { target: 'bucket' }>).bucket;
  await deps.registry.resolve(bucket).headBucket(bucket, req.signal);
  await assertPrivateAcl(req, deps);
  return emptyReply(200);
}

export async function getObjectAcl(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  await deps.registry.resolve(bucket).headObject(bucket, key, { versionId: versionIdOf(req) }, req.signal);
  return xmlReply(privatePolicy(req));
}

export async function putObjectAcl(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  await deps.registry.resolve(bucket).headObject(bucket, key, { versionId: versionIdOf(req) }, req.signal);
  await assertPrivateAcl(req, deps);
  return emptyReply(200);
}
