import type { ListObjectsResult } from '../../backends/backend.js';
import { S3Error } from '../../s3/errors.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { listingEncoder, listingXml, parseCount, wantsUrlEncoding } from '../list-encoding.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { ownerOf } from './owner.js';

type BucketOp = Extract<S3Request['op'], { target: 'bucket' }>;

/** Listing parameters common to ListObjects, ListObjectsV2 and ListObjectVersions. */
interface ListParams {
  bucket: string;
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  encodeUrl: boolean;
}

function commonParams(req: S3Request): ListParams {
  const encodeUrl = wantsUrlEncoding(req.query);
  const delimiter = req.query.get('delimiter');
  return {
    bucket: (req.op as BucketOp).bucket,
    prefix: req.query.get('prefix') ?? '',
    delimiter: delimiter === null || delimiter === '' ? undefined : delimiter,
    maxKeys: parseCount(req.query.get('max-keys'), 'max-keys', { fallback: 1000, cap: 1000 }),
    encodeUrl,
  };
}

function encoder(params: ListParams): (value: string | undefined) => string | undefined {
  return listingEncoder(params.encodeUrl);
}

async function list(req: S3Request, deps: FrontDoorDeps, params: ListParams, after: string | undefined): Promise<ListObjectsResult> {
  return deps.registry
    .resolve(params.bucket)
    .listObjects(params.bucket, { prefix: params.prefix, delimiter: params.delimiter, after, maxKeys: params.maxKeys }, req.signal);
}


/** Continuation tokens are opaque to clients: the base64url of the key to continue after. */
function decodeContinuationToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || Buffer.from(key, 'utf8').toString('base64url') !== token) {
    throw new S3Error('InvalidArgument', { message: 'The continuation token provided is incorrect', extra: { ArgumentName: 'continuation-token' } });
  }
  return key;
}

export async function listObjectsV2(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const params = commonParams(req);
  const enc = encoder(params);
  const token = req.query.get('continuation-token');
  const startAfter = req.query.get('start-after') ?? undefined;
  const after = token !== null ? decodeContinuationToken(token) : startAfter || undefined;
  const result = await list(req, deps, params, after);
  const owner = req.query.get('fetch-owner') === 'true' ? ownerOf(req.principal) : undefined;
  return xmlReply(
    listingXml(
      'ListBucketResult',
      {
        Name: params.bucket,
        Prefix: enc(params.prefix),
        Delimiter: enc(params.delimiter),
        MaxKeys: params.maxKeys,
        EncodingType: params.encodeUrl ? 'url' : undefined,
        KeyCount: result.objects.length + result.commonPrefixes.length,
        IsTruncated: result.isTruncated,
        ContinuationToken: token ?? undefined,
        NextContinuationToken: result.isTruncated && result.nextAfter !== undefined ? Buffer.from(result.nextAfter, 'utf8').toString('base64url') : undefined,
        StartAfter: enc(startAfter),
      },
      { element: 'Contents', objects: result.objects, commonPrefixes: result.commonPrefixes, owner },
      enc,
    ),
  );
}

export async function listObjectsV1(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const params = commonParams(req);
  const enc = encoder(params);
  const marker = req.query.get('marker') ?? '';
  const result = await list(req, deps, params, marker || undefined);
  return xmlReply(
    listingXml(
      'ListBucketResult',
      {
        Name: params.bucket,
        Prefix: enc(params.prefix),
        Marker: enc(marker),
        // AWS returns NextMarker only with a delimiter; without one, clients continue from the last key.
        NextMarker: result.isTruncated && params.delimiter !== undefined ? enc(result.nextAfter) : undefined,
        MaxKeys: params.maxKeys,
        Delimiter: enc(params.delimiter),
        EncodingType: params.encodeUrl ? 'url' : undefined,
        IsTruncated: result.isTruncated,
      },
      { element: 'Contents', objects: result.objects, commonPrefixes: result.commonPrefixes, owner: ownerOf(req.principal) },
      enc,
    ),
  );
}

/**
 * On a bucket that has never been versioned every object is its own only
 * version, "null", and the latest. Tools that empty buckets rely on this.
 */
export async function listObjectVersions(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const params = commonParams(req);
  const enc = encoder(params);
  const keyMarker = req.query.get('key-marker') ?? '';
  const versionIdMarker = req.query.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') {
    throw new S3Error('InvalidArgument', { message: 'A version-id marker cannot be specified without a key marker.', extra: { ArgumentName: 'version-id-marker' } });
  }
  // With "null" as the only version id, a version-id marker on a key means that key is done.
  const result = await list(req, deps, params, keyMarker || undefined);
  const owner = ownerOf(req.principal);
  return xmlReply(
    listingXml(
      'ListVersionsResult',
      {
        Name: params.bucket,
        Prefix: enc(params.prefix),
        KeyMarker: enc(keyMarker),
        VersionIdMarker: versionIdMarker,
        NextKeyMarker: result.isTruncated ? enc(result.nextAfter) : undefined,
        NextVersionIdMarker: result.isTruncated ? 'null' : undefined,
        MaxKeys: params.maxKeys,
        Delimiter: enc(params.delimiter),
        EncodingType: params.encodeUrl ? 'url' : undefined,
        IsTruncated: result.isTruncated,
      },
      { element: 'Version', objects: result.objects, commonPrefixes: result.commonPrefixes, owner },
      enc,
    ),
  );
}
