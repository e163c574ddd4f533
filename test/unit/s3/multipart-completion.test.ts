import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createChecksumHasher } from '../../../src/s3/checksums.js';
import { MIN_PART_SIZE } from '../../../src/s3/multipart.js';
import { compositeChecksum, planCompletion, type RequestedPart } from '../../../src/s3/multipart-completion.js';
import { emptyMeta, type ChecksumAlgorithm, type ChecksumType, type MultipartUpload, type UploadedPart } from '../../../src/s3/types.js';
import { thrown } from '../../helpers/errors.js';

function digest(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const h = createChecksumHasher(algorithm);
  h.update(data);
  return h.digestBase64();
}

function upload(checksumAlgorithm?: ChecksumAlgorithm, checksumType?: ChecksumType): MultipartUpload {
  return { bucket: 'b', key: 'k', uploadId: 'u1', initiated: new Date(), meta: emptyMeta(), checksumAlgorithm, checksumType };
}

/** Parts with real bytes, so expected values can be computed independently from the data. */
function partsOf(datas: Buffer[], algorithms: ChecksumAlgorithm[] = []): { stored: UploadedPart[]; data: Buffer[] } {
  const stored = datas.map((data, i) => ({
    partNumber: i + 1,
    size: data.length,
    etag: createHash('md5').update(data).digest('hex'),
    lastModified: new Date(),
    checksums: Object.fromEntries(algorithms.map((a) => [a, digest(a, data)])),
  }));
  return { stored, data: datas };
}

const asRequested = (stored: UploadedPart[], withChecksums = true): RequestedPart[] =>
  stored.map((p) => ({ partNumber: p.partNumber, etag: p.etag, checksums: withChecksums ? { ...p.checksums } : {} }));

const bigParts = () => [randomBytes(MIN_PART_SIZE), randomBytes(MIN_PART_SIZE), randomBytes(1234)];

describe('planCompletion', () => {
  it('computes the ETag and total size; no checksum without an algorithm', () => {
    const { stored, data } = partsOf(bigParts(), ['CRC32']);
    const plan = planCompletion(upload(), stored, asRequested(stored, false));
    const md5s = data.map((d) => createHash('md5').update(d).digest());
    expect(plan.etag).toBe(`${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3`);
    expect(plan.size).toBe(2 * MIN_PART_SIZE + 1234);
    expect(plan.checksums).toEqual({});
    expect(plan.parts).toEqual(stored.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
  });

  for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const) {
    it(`${algorithm} COMPOSITE: the checksum of the concatenated binary part checksums, -N`, () => {
      const { stored, data } = partsOf(bigParts(), [algorithm]);
      const plan = planCompletion(upload(algorithm, 'COMPOSITE'), stored, asRequested(stored));
      const binary = Buffer.concat(data.map((d) => Buffer.from(digest(algorithm, d), 'base64')));
      expect(plan.checksums).toEqual({ [algorithm]: `${digest(algorithm, binary)}-3` });
      expect(plan.checksumType).toBe('COMPOSITE');
    });
  }

  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    it(`${algorithm} FULL_OBJECT: the checksum of the whole object, from the part CRCs`, () => {
      const { stored, data } = partsOf(bigParts(), [algorithm]);
      const plan = planCompletion(upload(algorithm, 'FULL_OBJECT'), stored, asRequested(stored, false));
      expect(plan.checksums).toEqual({ [algorithm]: digest(algorithm, Buffer.concat(data)) });
      expect(plan.checksumType).toBe('FULL_OBJECT');
    });
  }

  it('completes from a subset of the uploaded parts', () => {
    const { stored } = partsOf([randomBytes(MIN_PART_SIZE), randomBytes(10), randomBytes(20)]);
    const plan = planCompletion(upload(), stored, asRequested([stored[0], stored[2]]));
    expect(plan.parts.map((p) => p.partNumber)).toEqual([1, 3]);
    expect(plan.size).toBe(MIN_PART_SIZE + 20);
  });

  it('refuses what AWS refuses, with AWS codes', () => {
    const { stored } = partsOf([randomBytes(MIN_PART_SIZE), randomBytes(100), randomBytes(10)], ['CRC32']);
    const req = asRequested(stored);
    const code = (fn: () => unknown) => thrown(() => void fn())?.code;
    expect(code(() => planCompletion(upload(), stored, []))).toBe('MalformedXML');
    expect(code(() => planCompletion(upload(), stored, [req[1], req[0]]))).toBe('InvalidPartOrder');
    expect(code(() => planCompletion(upload(), stored, [req[0], req[0]]))).toBe('InvalidPartOrder');
    expect(code(() => planCompletion(upload(), stored, [{ ...req[0], etag: 'f'.repeat(32) }]))).toBe('InvalidPart');
    expect(code(() => planCompletion(upload(), stored, [{ ...req[0], partNumber: 9 }]))).toBe('InvalidPart');
    expect(code(() => planCompletion(upload(), stored, [{ ...req[0], checksums: { CRC32: 'AAAAAA==' } }]))).toBe('InvalidPart');
    expect(code(() => planCompletion(upload(), stored, [{ ...req[0], checksums: { SHA256: req[0].checksums.CRC32! } }]))).toBe('InvalidPart');
    const small = thrown(() => void planCompletion(upload(), stored, req));
    expect(small?.code).toBe('EntityTooSmall');
    expect(small?.extra).toMatchObject({ PartNumber: '2', MinSizeAllowed: String(MIN_PART_SIZE), ProposedSize: '100' });
  });

  it('a COMPOSITE upload needs every part checksum in the request (InvalidRequest naming the part)', () => {
    const { stored } = partsOf([randomBytes(MIN_PART_SIZE), randomBytes(10)], ['CRC32C']);
    const req = asRequested(stored);
    const err = thrown(() => void planCompletion(upload('CRC32C', 'COMPOSITE'), stored, [req[0], { ...req[1], checksums: {} }]));
    expect(err?.code).toBe('InvalidRequest');
    expect(err?.message).toContain('missing for part 2');
  });

  it('checks an asserted object checksum and type (BadDigest), with or without the -N suffix', () => {
    const { stored, data } = partsOf([randomBytes(MIN_PART_SIZE), randomBytes(10)], ['SHA256', 'CRC32']);
    const composite = compositeChecksum('SHA256', stored.map((p) => p.checksums.SHA256!));
    const u = upload('SHA256', 'COMPOSITE');
    const req = asRequested(stored);
    expect(planCompletion(u, stored, req, { objectChecksum: { algorithm: 'SHA256', value: composite } }).checksums.SHA256).toBe(composite);
    expect(planCompletion(u, stored, req, { objectChecksum: { algorithm: 'SHA256', value: composite.replace(/-2$/, '') } }).checksums.SHA256).toBe(composite);
    expect(thrown(() => void planCompletion(u, stored, req, { objectChecksum: { algorithm: 'SHA256', value: digest('SHA256', Buffer.from('x')) } }))?.code).toBe('BadDigest');
    expect(thrown(() => void planCompletion(u, stored, req, { checksumType: 'FULL_OBJECT' }))?.code).toBe('BadDigest');
    expect(thrown(() => void planCompletion(u, stored, req, { objectChecksum: { algorithm: 'CRC32', value: 'AAAAAA==' } }))?.code).toBe('InvalidRequest');
    // An upload without an algorithm: a FULL_OBJECT CRC the parts can prove is checked and kept.
    const whole = digest('CRC32', Buffer.concat(data));
    expect(planCompletion(upload(), stored, req, { objectChecksum: { algorithm: 'CRC32', value: whole } })).toMatchObject({ checksums: { CRC32: whole }, checksumType: 'FULL_OBJECT' });
    expect(thrown(() => void planCompletion(upload(), stored, req, { objectChecksum: { algorithm: 'CRC32', value: 'AAAAAA==' } }))?.code).toBe('BadDigest');
  });
});
