import { checksumAlgorithmFromHeader } from '../../s3/checksums.js';
import { S3Error } from '../../s3/errors.js';
import { parseChecksumType, parsePartNumber, unquoteEtag } from '../../s3/multipart.js';
import { planCompletion, type CompletionAssertions, type RequestedPart } from '../../s3/multipart-completion.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { Checksums } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { urlEncodeKey } from '../list-encoding.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { bucketFromHost } from '../router.js';
import { buildXml } from '../xml/build.js';
import { childElements, childText, parseXml, type XmlElement } from '../xml/parse.js';
import { CHECKSUM_ELEMENTS, checksumElements, uploadIdOf } from './multipart-common.js';
import { objectOf } from './object-target.js';
import { writeConditions } from './objects-write.js';

/**
 * The headers that describe a request's body. On CompleteMultipartUpload the
 * x-amz-checksum-<alg> headers assert the object's checksum, not the XML
 * document's, so body verification must not see them.
 */
export function bodyHeadersFor(operation: string, headers: Record<string, string>): Record<string, string> {
  if (operation !== 'CompleteMultipartUpload') return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => checksumAlgorithmFromHeader(name) === undefined));
}

function parsePart(element: XmlElement): RequestedPart {
  const number = childText(element, 'PartNumber')?.trim();
  const etag = childText(element, 'ETag');
  if (number === undefined || etag === undefined || !/^\d+$/.test(number)) throw new S3Error('MalformedXML');
  const checksums: Checksums = {};
  for (const [name, algorithm] of CHECKSUM_ELEMENTS) {
    const value = childText(element, name)?.trim();
    if (value) checksums[algorithm] = value;
  }
  return { partNumber: parsePartNumber(number), etag: unquoteEtag(etag), checksums };
}

/** x-amz-checksum-type and at most one x-amz-checksum-<alg> for the whole object. */
function assertions(headers: S3Request['headers']): CompletionAssertions {
  const typeHeader = headers['x-amz-checksum-type'];
  const found = Object.keys(headers).flatMap((name) => {
    const algorithm = checksumAlgorithmFromHeader(name);
    return algorithm && headers[name] ? [{ algorithm, value: headers[name]!.trim() }] : [];
  });
  if (found.length > 1) throw new S3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  return { checksumType: typeHeader ? parseChecksumType(typeHeader) : undefined, objectChecksum: found[0] };
}

/** Where the object can be fetched, in the addressing style the request used. */
function locationOf(req: S3Request, deps: FrontDoorDeps, bucket: string, key: string): string {
  const host = req.headers.host ?? 'localhost';
  const virtual = bucketFromHost(host, deps.settings.domains) !== undefined;
  return `http://${host}/${virtual ? '' : `${bucket}/`}${urlEncodeKey(key)}`;
}

/**
 * CompleteMultipartUpload (POST /b/k?uploadId=U): validates the part list
 * against the stored parts (src/s3/multipart-completion.ts), computes the
 * ETag and checksum, and has the backend commit under If-Match /
 * If-None-Match. A completed or aborted upload is NoSuchUpload.
 */
export async function completeMultipartUpload(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const uploadId = uploadIdOf(req);
  const conditions = writeConditions(req);
  const asserted = assertions(req.headers);
  const doc = parseXml((await req.readSmallBody(deps.settings.maxXmlBodyBytes)).toString('utf8'), 'CompleteMultipartUpload');
  const requested = childElements(doc, 'Part').map(parsePart);
  const backend = deps.registry.resolve(bucket);
  const { upload, parts } = await backend.listParts(bucket, key, uploadId, req.signal);
  const plan = planCompletion(upload, parts, requested, asserted);
  const info = await backend.completeMultipartUpload(
    bucket,
    key,
    uploadId,
    { parts: plan.parts, etag: plan.etag, checksums: plan.checksums, checksumType: plan.checksumType, ...conditions },
    // No abort signal: once the request is read, completion runs to the end even if the
    // client goes away, as on AWS, so a retried Complete finds the object committed.
    undefined,
  );
  const checksumType = Object.keys(info.checksums).length > 0 ? (info.checksumType ?? plan.checksumType) : undefined;
  return xmlReply(
    buildXml('CompleteMultipartUploadResult', {
      Location: locationOf(req, deps, bucket, key),
      Bucket: bucket,
      Key: key,
      ETag: `"${info.etag}"`,
      ...checksumElements(info.checksums),
      ChecksumType: checksumType,
    }),
    200,
    { 'x-amz-version-id': info.versionId !== undefined && info.versionId !== 'null' ? info.versionId : undefined },
  );
}
