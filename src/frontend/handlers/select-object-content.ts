import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import { parseSelectRequest } from '../../select/request.js';
import { selectObjectContent } from '../../select/select-object.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import type { S3Reply } from '../reply.js';
import { objectOf } from './object-target.js';

/** Room for AWS's 256 KiB expression plus the rest of the request document. */
const MIN_SELECT_BODY_BYTES = 512 * 1024;

/**
 * POST /bucket/key?select&select-type=2 (S3 Select). Authorised like
 * GetObject: whoever may read the object may query it. The reply is an AWS
 * event stream; src/select does the work.
 */
export async function selectObjectContentHandler(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  if (req.query.get('select-type') !== '2') {
    throw new S3Error('InvalidArgument', { message: 'select-type must be 2.', extra: { ArgumentName: 'select-type', ArgumentValue: req.query.get('select-type') ?? '' } });
  }
  const request = parseSelectRequest(await req.readSmallBody(Math.max(deps.settings.maxXmlBodyBytes, MIN_SELECT_BODY_BYTES)));
  const body = await selectObjectContent(request, {
    backend: deps.registry.resolve(bucket),
    bucket,
    key,
    signal: req.signal,
    onInternalError: (err) => deps.logger.error({ err, requestId: req.id }, 'select failed during the scan'),
  });
  return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body };
}
