import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import { MAX_BUCKET_TAGS, MAX_OBJECT_TAGS, parseTaggingHeader, validateTags } from '../../s3/tags.js';
import type { ObjectInfo, Tag } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { emptyReply, xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';
import { childElement, childElements, parseXml } from '../xml/parse.js';
import { assertIntegrityHeader } from './delete-objects.js';
import { objectOf, versionIdOf } from './object-target.js';

/**
 * The tagging sub-resource of objects and buckets. One document shape for
 * both, in and out: <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>.
 * The tag rules themselves live in src/s3/tags.ts.
 */

/** The tags of a Tagging document in document order. Missing TagSet, Key or Value is MalformedXML (all are required); the tag rules are the caller's. */
export function parseTaggingDocument(text: string): Tag[] {
  const tagSet = childElement(parseXml(text, 'Tagging'), 'TagSet');
  if (!tagSet) throw new S3Error('MalformedXML');
  return childElements(tagSet, 'Tag').map((tag) => {
    const key = childElement(tag, 'Key')?.text;
    const value = childElement(tag, 'Value')?.text;
    if (key === undefined || value === undefined) throw new S3Error('MalformedXML');
    return { key, value };
  });
}

export function taggingDocument(tags: readonly Tag[]): string {
  return buildXml('Tagging', { TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) } });
}

/**
 * x-amz-tagging of a write. SDK presigners move x-amz-* headers into the
 * query string, and S3 honours the tags there, so the query is read too
 * (it is covered by the signature either way).
 */
export function requestTagging(req: S3Request): Tag[] | undefined {
  return parseTaggingHeader(req.headers['x-amz-tagging'] ?? req.query.get('x-amz-tagging') ?? undefined);
}

/**
 * CopyObject's x-amz-tagging-directive: COPY (the default) gives the
 * destination the source's tags, REPLACE the tags of x-amz-tagging (none
 * when it is absent). Read before the source is looked up, as AWS refuses a
 * bad directive or header whatever the source.
 */
export function copyTagging(req: S3Request): Tag[] | 'COPY' {
  const directive = req.headers['x-amz-tagging-directive'] ?? 'COPY';
  if (directive === 'COPY') return 'COPY';
  if (directive === 'REPLACE') return requestTagging(req) ?? [];
  throw new S3Error('InvalidArgument', { message: 'Unknown tagging directive.', extra: { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: directive } });
}

function versionHeader(info: Pick<ObjectInfo, 'versionId'>): S3Reply['headers'] {
  return { 'x-amz-version-id': info.versionId !== undefined && info.versionId !== 'null' ? info.versionId : undefined };
}

/**
 * Resolves the object a tagging request names. updateObjectMeta acts on the
 * current version, so an explicit versionId is checked first: the backend
 * answers NoSuchKey / NoSuchVersion / InvalidArgument for one it lacks.
 */
async function checkVersion(req: S3Request, deps: FrontDoorDeps): Promise<void> {
  const { bucket, key } = objectOf(req);
  const versionId = versionIdOf(req);
  if (versionId !== undefined) await deps.registry.resolve(bucket).headObject(bucket, key, { versionId }, req.signal);
}

export async function getObjectTagging(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const info = await deps.registry.resolve(bucket).headObject(bucket, key, { versionId: versionIdOf(req) }, req.signal);
  return xmlReply(taggingDocument(info.tags ?? []), 200, versionHeader(info));
}

/** AWS does not require Content-MD5 here (unlike PutBucketTagging); an empty TagSet removes every tag. */
export async function putObjectTagging(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const tags = parseTaggingDocument((await req.readSmallBody(deps.settings.maxXmlBodyBytes)).toString('utf8'));
  validateTags(tags, MAX_OBJECT_TAGS);
  await checkVersion(req, deps);
  const info = await deps.registry.resolve(bucket).updateObjectMeta(bucket, key, { tags }, req.signal);
  return emptyReply(200, versionHeader(info));
}

export async function deleteObjectTagging(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  await checkVersion(req, deps);
  const info = await deps.registry.resolve(bucket).updateObjectMeta(bucket, key, { tags: [] }, req.signal);
  return emptyReply(204, versionHeader(info));
}

const bucketOf = (req: S3Request): string => (req.op as Extract<S3Request['op'], { target: 'bucket' }>).bucket;

export async function getBucketTagging(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  const doc = await deps.registry.resolve(bucket).getBucketConfig(bucket, 'tagging', req.signal);
  if (doc === undefined) throw new S3Error('NoSuchTagSet', { extra: { BucketName: bucket } });
  return xmlReply(doc);
}

/**
 * Stores our own serialisation of the validated tags, never the client's
 * text. AWS requires Content-MD5 or an x-amz-checksum-* header here. An empty
 * TagSet leaves the bucket with no tag set, as DeleteBucketTagging does.
 */
export async function putBucketTagging(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  assertIntegrityHeader(req);
  const tags = parseTaggingDocument((await req.readSmallBody(deps.settings.maxXmlBodyBytes)).toString('utf8'));
  validateTags(tags, MAX_BUCKET_TAGS);
  const doc = tags.length > 0 ? taggingDocument(tags) : undefined;
  await deps.registry.resolve(bucket).putBucketConfig(bucket, 'tagging', doc, req.signal);
  return emptyReply(204);
}

export async function deleteBucketTagging(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  await deps.registry.resolve(bucket).putBucketConfig(bucket, 'tagging', undefined, req.signal);
  return emptyReply(204);
}
