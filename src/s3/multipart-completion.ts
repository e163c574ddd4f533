import { combineCrcs, isCombinable } from './checksum-combine.js';
import { createChecksumHasher } from './checksums.js';
import { S3Error } from './errors.js';
import { MAX_OBJECT_SIZE, MIN_PART_SIZE, multipartEtag } from './multipart.js';
import type { ChecksumAlgorithm, Checksums, ChecksumType, MultipartUpload, UploadedPart } from './types.js';

/** One <Part> of a CompleteMultipartUpload document. */
export interface RequestedPart {
  partNumber: number;
  /** Unquoted. */
  etag: string;
  /** Checksum* elements the client named for the part. */
  checksums: Checksums;
}

/** What the request asserts about the whole object (x-amz-checksum-type and x-amz-checksum-<alg>). */
export interface CompletionAssertions {
  checksumType?: ChecksumType;
  objectChecksum?: { algorithm: ChecksumAlgorithm; value: string };
}

export interface CompletionPlan {
  parts: { partNumber: number; etag: string }[];
  etag: string;
  size: number;
  checksums: Checksums;
  checksumType?: ChecksumType;
}

function invalidPart(upload: MultipartUpload, part: RequestedPart): S3Error {
  return new S3Error('InvalidPart', {
    message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    extra: { UploadId: upload.uploadId, PartNumber: String(part.partNumber), ETag: part.etag },
  });
}

/** COMPOSITE: the checksum of the concatenated binary part checksums, then "-N". */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: readonly string[]): string {
  const hasher = createChecksumHasher(algorithm);
  for (const value of partChecksums) hasher.update(Buffer.from(value, 'base64'));
  return `${hasher.digestBase64()}-${partChecksums.length}`;
}

/**
 * Validates a completion against the stored parts and computes the object's
 * ETag and checksum, in AWS's order of checks: part order (InvalidPartOrder),
 * each part's existence, ETag and named checksums (InvalidPart), a COMPOSITE
 * upload's per-part checksums (InvalidRequest), part sizes (EntityTooSmall),
 * the total (EntityTooLarge), then the asserted checksum type and value (BadDigest).
 */
export function planCompletion(upload: MultipartUpload, stored: readonly UploadedPart[], requested: readonly RequestedPart[], asserted: CompletionAssertions = {}): CompletionPlan {
  if (requested.length === 0) throw new S3Error('MalformedXML');
  for (let i = 1; i < requested.length; i++) {
    if (requested[i].partNumber <= requested[i - 1].partNumber) {
      throw new S3Error('InvalidPartOrder', {
        message: 'The list of parts was not in ascending order. Parts must be ordered by part number.',
        extra: { UploadId: upload.uploadId },
      });
    }
  }
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const chosen = requested.map((want) => {
    const have = byNumber.get(want.partNumber);
    if (!have || have.etag !== want.etag) throw invalidPart(upload, want);
    for (const [algorithm, value] of Object.entries(want.checksums) as [ChecksumAlgorithm, string][]) {
      if (have.checksums[algorithm] !== value) throw invalidPart(upload, want);
    }
    return have;
  });
  const algorithm = upload.checksumAlgorithm;
  if (algorithm && upload.checksumType === 'COMPOSITE') {
    const missing = requested.find((p) => p.checksums[algorithm] === undefined);
    if (missing) {
      throw new S3Error('InvalidRequest', {
        message: `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${missing.partNumber} in the request.`,
      });
    }
  }
  chosen.forEach((part, i) => {
    if (i < chosen.length - 1 && part.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', {
        extra: { ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_SIZE), PartNumber: String(part.partNumber), ETag: part.etag },
      });
    }
  });
  const size = chosen.reduce((total, p) => total + p.size, 0);
  if (size > MAX_OBJECT_SIZE) {
    throw new S3Error('EntityTooLarge', { extra: { ProposedSize: String(size), MaxSizeAllowed: String(MAX_OBJECT_SIZE) } });
  }
  const { checksums, checksumType } = objectChecksum(upload, chosen, asserted);
  return {
    parts: chosen.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
    etag: multipartEtag(chosen.map((p) => p.etag)),
    size,
    checksums,
    checksumType,
  };
}

/**
 * The object checksum. An upload created with an algorithm always gets one
 * (its parts all carry it: UploadPart computes it when the client did not
 * send it). An upload created without one gets none, unless the request
 * asserts a FULL_OBJECT CRC that every chosen part lets us combine and check.
 */
function objectChecksum(upload: MultipartUpload, chosen: readonly UploadedPart[], asserted: CompletionAssertions): { checksums: Checksums; checksumType?: ChecksumType } {
  const assertedAlgorithm = asserted.objectChecksum?.algorithm;
  const algorithm = upload.checksumAlgorithm ?? assertedAlgorithm;
  const type: ChecksumType | undefined = upload.checksumAlgorithm ? upload.checksumType : assertedAlgorithm ? 'FULL_OBJECT' : undefined;
  if (asserted.checksumType !== undefined && upload.checksumAlgorithm && asserted.checksumType !== type) {
    throw new S3Error('BadDigest', {
      message: `The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.`,
    });
  }
  if (!algorithm || !type) return { checksums: {} };
  if (assertedAlgorithm !== undefined && assertedAlgorithm !== algorithm) {
    throw new S3Error('InvalidRequest', {
      message: `Checksum Type mismatch occurred, expected checksum Type: ${algorithm.toLowerCase()}, actual checksum Type: ${assertedAlgorithm.toLowerCase()}`,
    });
  }
  const partChecksums = chosen.map((p) => p.checksums[algorithm]);
  if (partChecksums.some((c) => c === undefined) || (type === 'FULL_OBJECT' && !isCombinable(algorithm))) {
    throw new S3Error('InvalidRequest', {
      message: `The ${algorithm.toLowerCase()} checksum of the object cannot be checked: not every part was uploaded with a ${algorithm.toLowerCase()} checksum.`,
    });
  }
  const values = partChecksums as string[];
  const value =
    type === 'COMPOSITE'
      ? compositeChecksum(algorithm, values)
      : combineCrcs(algorithm as 'CRC32' | 'CRC32C' | 'CRC64NVME', chosen.map((p, i) => ({ checksum: values[i], size: p.size })));
  if (asserted.objectChecksum && !sameChecksum(asserted.objectChecksum.value, value)) {
    throw new S3Error('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
  }
  return { checksums: { [algorithm]: value }, checksumType: type };
}

/** A COMPOSITE value may be asserted with or without its "-N" suffix (AWS accepts both). */
function sameChecksum(assertedValue: string, computed: string): boolean {
  if (assertedValue === computed) return true;
  const dash = computed.lastIndexOf('-');
  return dash > 0 && !assertedValue.includes('-') && computed.slice(0, dash) === assertedValue;
}
