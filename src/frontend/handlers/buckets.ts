import { S3Error } from '../../s3/errors.js';
import { assertValidBucketName } from '../../s3/names.js';
import type { BucketInfo } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { emptyReply, xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';
import { childText, parseXml } from '../xml/parse.js';
import { ownerOf } from './owner.js';

type BucketOp = Extract<S3Request['op'], { target: 'bucket' }>;
const bucketOf = (req: S3Request): string => (req.op as BucketOp).bucket;

export async function listBuckets(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const byName = new Map<string, BucketInfo>();
  for (const backend of deps.registry.all()) {
    for (const bucket of await backend.listBuckets(req.signal)) {
      if (deps.registry.resolve(bucket.name) === backend && !byName.has(bucket.name)) byName.set(bucket.name, bucket);
    }
  }
  const prefix = req.query.get('prefix') ?? '';
  const after = req.query.get('continuation-token') ?? '';
  const max = parseMaxBuckets(req.query.get('max-buckets'));
  const names = [...byName.keys()].filter((n) => n.startsWith(prefix) && n > after).sort();
  const page = names.slice(0, max);
  const truncated = names.length > page.length;
  return xmlReply(
    buildXml('ListAllMyBucketsResult', {
      Owner: ownerOf(req.principal),
      Buckets: { Bucket: page.map((n) => ({ Name: n, CreationDate: byName.get(n)!.creationDate, BucketRegion: byName.get(n)!.region })) },
      ContinuationToken: truncated ? page[page.length - 1] : undefined,
      Prefix: req.query.has('prefix') ? prefix : undefined,
    }),
  );
}

function parseMaxBuckets(value: string | null): number {
  if (value === null) return 10000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new S3Error('InvalidArgument', { message: 'max-buckets must be an integer from 1 to 10000' });
  return n;
}

/** LocationConstraint from the optional CreateBucketConfiguration body. */
async function requestedRegion(req: S3Request, deps: FrontDoorDeps): Promise<string | undefined> {
  if (!req.hasBody()) return undefined;
  const text = (await req.readSmallBody(deps.settings.maxXmlBodyBytes)).toString('utf8');
  if (text.trim() === '') return undefined;
  return childText(parseXml(text, 'CreateBucketConfiguration'), 'LocationConstraint');
}

export async function createBucket(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  assertValidBucketName(bucket);
  const region = deps.settings.region;
  const constraint = await requestedRegion(req, deps);
  // A bucket lives in the server's one region: an empty constraint or that region is accepted.
  if (constraint !== undefined && constraint !== '' && constraint !== region) {
    throw new S3Error(region === 'us-east-1' ? 'IllegalLocationConstraintException' : 'InvalidLocationConstraint', {
      extra: { LocationConstraint: constraint },
    });
  }
  await deps.registry.resolve(bucket).createBucket(bucket, { region }, req.signal);
  return emptyReply(200, { location: `/${bucket}` });
}

export async function headBucket(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  const info = await deps.registry.resolve(bucket).headBucket(bucket, req.signal);
  return emptyReply(200, { 'x-amz-bucket-region': info.region });
}

export async function deleteBucket(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  await deps.registry.resolve(bucket).deleteBucket(bucket, req.signal);
  return emptyReply(204);
}

export async function getBucketLocation(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  const info = await deps.registry.resolve(bucket).headBucket(bucket, req.signal);
  // AWS answers an empty constraint for us-east-1.
  return xmlReply(buildXml('LocationConstraint', info.region === 'us-east-1' ? '' : info.region));
}

/** A never-versioned bucket answers an empty configuration, as AWS does. */
export async function getBucketVersioning(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = bucketOf(req);
  const doc = await deps.registry.resolve(bucket).getBucketConfig(bucket, 'versioning', req.signal);
  return xmlReply(doc ?? buildXml('VersioningConfiguration', {}));
}
