import { S3Error, isS3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { DeleteObjectsEntry } from '../../backends/backend.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';
import { childElements, childText, parseXml } from '../xml/parse.js';

/** AWS's limit on keys per DeleteObjects request. */
export const MAX_DELETE_KEYS = 1000;

/** AWS requires an integrity header on DeleteObjects (and PutBucketTagging): Content-MD5 or any x-amz-checksum. */
export function assertIntegrityHeader(req: S3Request): void {
  const h = req.headers;
  const hasChecksum = Object.keys(h).some((name) => name.startsWith('x-amz-checksum-')) || h['x-amz-sdk-checksum-algorithm'] !== undefined;
  if (h['content-md5'] === undefined && !hasChecksum) {
    throw new S3Error('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
  }
}

export async function deleteObjects(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = (req.op as Extract<S3Request['op'], { target: 'bucket' }>).bucket;
  assertIntegrityHeader(req);
  const doc = parseXml((await req.readSmallBody(deps.settings.maxXmlBodyBytes)).toString('utf8'), 'Delete');
  const quiet = childText(doc, 'Quiet')?.trim().toLowerCase() === 'true';
  const requested = childElements(doc, 'Object').map((o) => ({ key: childText(o, 'Key'), versionId: childText(o, 'VersionId') }));
  if (requested.length === 0 || requested.length > MAX_DELETE_KEYS) throw new S3Error('MalformedXML');

  const valid: { key: string; versionId?: string }[] = [];
  const refused: DeleteObjectsEntry[] = [];
  for (const { key, versionId } of requested) {
    if (key === undefined) throw new S3Error('MalformedXML');
    try {
      assertValidObjectKey(key);
      valid.push({ key, versionId });
    } catch (err) {
      if (!isS3Error(err)) throw err;
      refused.push({ key, versionId, deleted: false, code: err.code, message: err.message });
    }
  }
  const backend = deps.registry.resolve(bucket);
  await backend.headBucket(bucket, req.signal);
  const results = [...(valid.length ? await backend.deleteObjects(bucket, valid, req.signal) : []), ...refused];
  return xmlReply(
    buildXml('DeleteResult', {
      Deleted: quiet
        ? undefined
        : results
            .filter((r) => r.deleted)
            .map((r) => ({
              Key: r.key,
              VersionId: r.versionId,
              DeleteMarker: r.deleted && r.deleteMarker ? true : undefined,
              DeleteMarkerVersionId: r.deleted ? r.deleteMarkerVersionId : undefined,
            })),
      Error: results.flatMap((r) => (r.deleted ? [] : [{ Key: r.key, VersionId: r.versionId, Code: r.code, Message: r.message }])),
    }),
  );
}
