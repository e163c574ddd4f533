import type { Backend } from '../../backends/backend.js';
import { checkCopySourcePreconditions } from '../../s3/conditions.js';
import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { ObjectInfo, ObjectMeta, Tag } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { metaFromHeaders, parseStorageClass } from '../object-headers.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { incomingBodyFrom } from '../stream-body.js';
import { buildXml } from '../xml/build.js';
import { objectOf } from './object-target.js';
import { readPreconditions } from './objects-read.js';
import { copyTagging } from './tagging.js';

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

/** Parses x-amz-copy-source: `[/]bucket/key[?versionId=id]`, URL-encoded. */
export function parseCopySource(header: string): CopySource {
  const [path, query] = header.split('?', 2);
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new S3Error('InvalidArgument', { message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', extra: { ArgumentName: 'x-amz-copy-source' } });
  }
  let key: string;
  try {
    key = decodeURIComponent(trimmed.slice(slash + 1));
  } catch {
    throw new S3Error('InvalidArgument', { message: 'Invalid copy source encoding', extra: { ArgumentName: 'x-amz-copy-source' } });
  }
  const versionId = query !== undefined ? (new URLSearchParams(query).get('versionId') ?? undefined) : undefined;
  return { bucket: decodeURIComponent(trimmed.slice(0, slash)), key, versionId };
}

function metadataDirective(req: S3Request): 'COPY' | 'REPLACE' {
  const value = req.headers['x-amz-metadata-directive'] ?? 'COPY';
  if (value !== 'COPY' && value !== 'REPLACE') {
    throw new S3Error('InvalidArgument', { message: 'Unknown metadata directive.', extra: { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: value } });
  }
  return value;
}

/** Copies between two backends by streaming the source into a put on the destination. */
async function copyAcross(source: Backend, dest: Backend, from: CopySource, to: { bucket: string; key: string }, meta: ObjectMeta, tags: Tag[] | undefined, signal: AbortSignal): Promise<ObjectInfo> {
  const { body } = await source.getObject(from.bucket, from.key, { versionId: from.versionId }, signal);
  return dest.putObject(to.bucket, to.key, incomingBodyFrom(body), { meta, tags }, signal);
}

export async function copyObject(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const dest = objectOf(req);
  assertValidObjectKey(dest.key);
  const from = parseCopySource(req.headers['x-amz-copy-source']!);
  assertValidObjectKey(from.key);
  const directive = metadataDirective(req);
  const tagging = copyTagging(req);
  const sourceBackend = deps.registry.resolve(from.bucket);
  const destBackend = deps.registry.resolve(dest.bucket);
  const sourceInfo = await sourceBackend.headObject(from.bucket, from.key, { versionId: from.versionId }, req.signal);
  checkCopySourcePreconditions(readPreconditions(req.headers, 'x-amz-copy-source-'), sourceInfo);

  const storageClassHeader = req.headers['x-amz-storage-class'];
  const meta: ObjectMeta =
    directive === 'REPLACE' ? metaFromHeaders(req.headers) : { ...sourceInfo.meta, storageClass: storageClassHeader ? parseStorageClass(storageClassHeader) : sourceInfo.meta.storageClass };
  const tags = tagging === 'COPY' ? sourceInfo.tags : tagging;
  const sameObject = from.bucket === dest.bucket && from.key === dest.key && from.versionId === undefined;
  if (sameObject && directive === 'COPY' && storageClassHeader === undefined) {
    throw new S3Error('InvalidRequest', {
      message: "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    });
  }
  const info =
    sourceBackend === destBackend
      ? await destBackend.copyObject(from, dest, { meta, tags, checksums: sourceInfo.checksums, sourceEtag: sourceInfo.etag }, req.signal)
      : await copyAcross(sourceBackend, destBackend, from, dest, meta, tags, req.signal);
  const checksumElements = Object.fromEntries(Object.entries(info.checksums).map(([a, v]) => [`Checksum${a}`, v]));
  return xmlReply(buildXml('CopyObjectResult', { ETag: `"${info.etag}"`, LastModified: info.lastModified, ...checksumElements }), 200, {
    'x-amz-copy-source-version-id': sourceInfo.versionId !== undefined && sourceInfo.versionId !== 'null' ? sourceInfo.versionId : undefined,
  });
}
