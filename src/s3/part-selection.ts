import { S3Error } from './errors.js';

/**
 * The parts a completion names, checked against those uploaded: ascending
 * numbers (InvalidPartOrder), each uploaded and with the ETag the client
 * named (InvalidPart). The front door validated the same against listParts;
 * this re-check runs under the upload's lock, where the answer is final.
 */
export function selectParts<P extends { partNumber: number; etag: string }>(uploaded: readonly P[], requested: readonly { partNumber: number; etag: string }[]): P[] {
  if (requested.length === 0) {
    throw new S3Error('MalformedXML', { message: 'The XML you provided was not well-formed or did not validate against our published schema' });
  }
  const byNumber = new Map(uploaded.map((p) => [p.partNumber, p]));
  const chosen: P[] = [];
  let previous = 0;
  for (const { partNumber, etag } of requested) {
    if (partNumber <= previous) throw new S3Error('InvalidPartOrder');
    previous = partNumber;
    const part = byNumber.get(partNumber);
    if (!part || normaliseEtag(etag) !== normaliseEtag(part.etag)) {
      throw new S3Error('InvalidPart', {
        message: "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        extra: { PartNumber: String(partNumber), ETag: etag },
      });
    }
    chosen.push(part);
  }
  return chosen;
}

/** Clients send part ETags quoted or bare; hex case carries no meaning. */
function normaliseEtag(etag: string): string {
  return etag.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
}
