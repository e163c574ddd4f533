import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { ObjectInfo } from '../../s3/types.js';
import { pageParts } from '../../s3/upload-listing.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { parseCount } from '../list-encoding.js';
import { httpDate } from '../object-headers.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { buildXml, type XmlNode } from '../xml/build.js';
import { checksumElements } from './multipart-common.js';
import { objectOf, versionIdOf } from './object-target.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** x-amz-object-attributes: a comma-separated list of the root fields wanted; only those are returned. */
export function parseObjectAttributes(header: string | undefined): Set<Attribute> {
  const names = (header ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) {
    throw new S3Error('InvalidArgument', {
      message: 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
      extra: { ArgumentName: 'x-amz-object-attributes' },
    });
  }
  for (const name of names) {
    if (!(ATTRIBUTES as readonly string[]).includes(name)) {
      throw new S3Error('InvalidArgument', { message: 'Invalid attribute name specified.', extra: { ArgumentName: 'x-amz-object-attributes', ArgumentValue: name } });
    }
  }
  return new Set(names as Attribute[]);
}

/**
 * ObjectParts, for multipart objects only. As AWS does, the individual parts
 * are listed only when the object carries an additional checksum; the counts
 * and paging fields are always there.
 */
function objectParts(info: ObjectInfo, headers: S3Request['headers']): XmlNode | undefined {
  if (!info.parts || info.parts.length === 0) return undefined;
  const maxParts = parseCount(headers['x-amz-max-parts'], 'max-parts', { fallback: 1000, cap: 1000 });
  const marker = parseCount(headers['x-amz-part-number-marker'], 'part-number-marker', { fallback: 0 });
  const page = pageParts(info.parts, marker, maxParts);
  const listed = Object.keys(info.checksums).length > 0;
  return {
    PartsCount: info.parts.length,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.nextMarker,
    MaxParts: maxParts,
    IsTruncated: page.isTruncated,
    Part: listed ? page.items.map((p) => ({ PartNumber: p.partNumber, Size: p.size, ...checksumElements(p.checksums) })) : undefined,
  };
}

/** GetObjectAttributes (GET /b/k?attributes). Unlike everywhere else, the ETag here is unquoted. */
export async function getObjectAttributes(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const wanted = parseObjectAttributes(req.headers['x-amz-object-attributes']);
  const info = await deps.registry.resolve(bucket).headObject(bucket, key, { versionId: versionIdOf(req) }, req.signal);
  const hasChecksum = Object.keys(info.checksums).length > 0;
  return xmlReply(
    buildXml('GetObjectAttributesResponse', {
      ETag: wanted.has('ETag') ? info.etag : undefined,
      Checksum: wanted.has('Checksum') && hasChecksum ? { ...checksumElements(info.checksums), ChecksumType: info.checksumType ?? 'FULL_OBJECT' } : undefined,
      ObjectParts: wanted.has('ObjectParts') ? objectParts(info, req.headers) : undefined,
      StorageClass: wanted.has('StorageClass') ? info.meta.storageClass : undefined,
      ObjectSize: wanted.has('ObjectSize') ? info.size : undefined,
    }),
    200,
    {
      'last-modified': httpDate(info.lastModified),
      'x-amz-version-id': info.versionId !== undefined && info.versionId !== 'null' ? info.versionId : undefined,
    },
  );
}
