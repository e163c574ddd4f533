import type { IncomingMessage } from 'node:http';
import { PassThrough, pipeline } from 'node:stream';
import type { IncomingBody } from '../backends/backend.js';
import type { AuthResult } from '../iam/authenticate.js';
import { verifyPayload } from '../iam/payload.js';
import { checksumAlgorithmFromHeader } from '../s3/checksums.js';
import { S3Error } from '../s3/errors.js';
import type { ChecksumAlgorithm } from '../s3/types.js';
import { DigestingStream, validateExpectations, type BodyExpectations } from './body-digests.js';

type Headers = Record<string, string | undefined>;

/** A request body plus how many decoded bytes have passed so far (for the access log). */
export interface ReceivedBody extends IncomingBody {
  bytesReceived(): number;
}

/**
 * Which checksum the client declared, from an x-amz-checksum-* header (value
 * known now) or an x-amz-trailer announcement (value arrives after the body).
 * S3 accepts exactly one.
 */
function checksumExpectation(headers: Headers, trailers: () => Record<string, string>): Pick<BodyExpectations, 'checksums' | 'expectedChecksum'> {
  const fromHeaders = Object.keys(headers).flatMap((name) => {
    const algorithm = checksumAlgorithmFromHeader(name);
    return algorithm ? [{ algorithm, value: headers[name] }] : [];
  });
  const announced = (headers['x-amz-trailer'] ?? '').split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
  const fromTrailer = announced.flatMap((name) => {
    const algorithm = checksumAlgorithmFromHeader(name);
    return algorithm ? [{ algorithm, name }] : [];
  });
  if (fromHeaders.length + fromTrailer.length > 1) throw new S3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  const sdkAlgorithm = headers['x-amz-sdk-checksum-algorithm'];
  if (sdkAlgorithm !== undefined && fromHeaders.length + fromTrailer.length === 0) {
    throw new S3Error('InvalidRequest', { message: 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.' });
  }
  if (fromHeaders.length === 1) {
    const { algorithm, value } = fromHeaders[0];
    return { checksums: [algorithm], expectedChecksum: () => value };
  }
  if (fromTrailer.length === 1) {
    const { algorithm, name } = fromTrailer[0];
    return { checksums: [algorithm], expectedChecksum: () => trailers()[name] };
  }
  return { checksums: [] as ChecksumAlgorithm[], expectedChecksum: () => undefined };
}

/**
 * Builds the verified body of a request: signature/payload verification and
 * aws-chunked decoding (src/iam), then length, Content-MD5 and checksum
 * verification while computing the ETag. Errors surface on the returned
 * stream before it ends, so a backend never commits a bad body. A client
 * that stops sending for `idleTimeoutMs` gets RequestTimeout.
 */
export function buildIncomingBody(incoming: IncomingMessage, auth: AuthResult, headers: Headers, idleTimeoutMs: number): ReceivedBody {
  // The verifiers read from a proxy, so a verification failure destroys the
  // proxy, not the socket: the error reply can still be sent. A socket read's
  // worth of buffering (64 KiB): every stage holds up to twice its mark while the
  // backend pauses, and with 64 concurrent uploads 1 MiB marks alone cost ~250 MB.
  const raw = new PassThrough({ highWaterMark: 64 << 10 });
  incoming.pipe(raw);
  const verified = verifyPayload(raw, auth, headers as Record<string, string>);
  // verifyPayload parsed the declared length (decoded length for aws-chunked, else Content-Length).
  const length = verified.decodedLength;
  const expectations: BodyExpectations = {
    length,
    contentMd5: headers['content-md5'],
    ...checksumExpectation(headers, () => verified.trailers()),
  };
  validateExpectations(expectations);
  const digesting = new DigestingStream(expectations);
  incoming.setTimeout(idleTimeoutMs, () => digesting.destroy(new S3Error('RequestTimeout')));
  pipeline(verified.stream, digesting, () => incoming.setTimeout(0));
  incoming.once('close', () => {
    if (!incoming.complete) digesting.destroy(new S3Error('IncompleteBody', { message: 'The client closed the connection before sending the whole body.' }));
  });
  return { stream: digesting, declaredSize: length, digests: () => digesting.digests(), bytesReceived: () => digesting.bytesSeen };
}

/** Reads a small body (XML documents) into memory, refusing anything over `maxBytes`. */
export async function readSmallBody(body: IncomingBody, maxBytes: number): Promise<Buffer> {
  if (body.declaredSize !== undefined && body.declaredSize > maxBytes) {
    body.stream.destroy();
    throw new S3Error('MaxMessageLengthExceeded', { extra: { MaxMessageLengthBytes: String(maxBytes) } });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body.stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      body.stream.destroy();
      throw new S3Error('MaxMessageLengthExceeded', { extra: { MaxMessageLengthBytes: String(maxBytes) } });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
