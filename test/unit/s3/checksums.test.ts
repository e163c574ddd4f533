import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHECKSUM_BYTES, checksumAlgorithmFromHeader, checksumHeaderName, createChecksumHasher } from '../../../src/s3/checksums.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../../src/s3/types.js';

function digest(algorithm: ChecksumAlgorithm, ...chunks: Buffer[]): string {
  const hasher = createChecksumHasher(algorithm);
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.digestBase64();
}

const hex = (algorithm: ChecksumAlgorithm, data: Buffer) => Buffer.from(digest(algorithm, data), 'base64').toString('hex');

/** Bit-at-a-time reflected CRC-32 family reference (no tables), for cross-checking. */
function referenceCrc32(poly: number, data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Bit-at-a-time CRC-64/NVME reference in BigInt (reflected, init and xorout all ones). */
function referenceCrc64Nvme(data: Buffer): bigint {
  const poly = 0x9a6c9329ac4bc9b5n;
  const mask = (1n << 64n) - 1n;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc ^ mask;
}

const CHECK = Buffer.from('123456789');

describe('checksum known vectors ("123456789")', () => {
  it('CRC32 is cbf43926', () => {
    expect(hex('CRC32', CHECK)).toBe('cbf43926');
  });

  it('CRC32C is e3069283', () => {
    expect(hex('CRC32C', CHECK)).toBe('e3069283');
  });

  it('CRC64NVME is ae8b14860a799888', () => {
    expect(hex('CRC64NVME', CHECK)).toBe('ae8b14860a799888');
  });

  it('SHA1 and SHA256 equal node:crypto', () => {
    expect(digest('SHA1', CHECK)).toBe(createHash('sha1').update(CHECK).digest('base64'));
    expect(digest('SHA256', CHECK)).toBe(createHash('sha256').update(CHECK).digest('base64'));
    expect(hex('SHA1', CHECK)).toBe('f7c3bc1d808e04732adf679965ccc34ca7ae3441');
    expect(hex('SHA256', CHECK)).toBe('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
  });
});

describe('checksum other published vectors', () => {
  it('CRC32 of the pangram is 414fa339', () => {
    expect(hex('CRC32', Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe('414fa339');
  });

  it('CRC32C iSCSI vectors (RFC 3720 B.4)', () => {
    expect(hex('CRC32C', Buffer.alloc(32, 0x00))).toBe('8a9136aa');
    expect(hex('CRC32C', Buffer.alloc(32, 0xff))).toBe('62a8ab43');
    expect(hex('CRC32C', Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe('46dd794e');
    expect(hex('CRC32C', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe('113fdb5c');
  });
});

describe('checksums against bitwise reference implementations', () => {
  const samples = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([0xff]), Buffer.from('a'), CHECK, randomBytes(1), randomBytes(255), randomBytes(4099)];

  it('CRC32 matches', () => {
    for (const data of samples) expect(hex('CRC32', data)).toBe(referenceCrc32(0xedb88320, data).toString(16).padStart(8, '0'));
  });

  it('CRC32C matches', () => {
    for (const data of samples) expect(hex('CRC32C', data)).toBe(referenceCrc32(0x82f63b78, data).toString(16).padStart(8, '0'));
  });

  it('CRC64NVME matches', () => {
    for (const data of samples) expect(hex('CRC64NVME', data)).toBe(referenceCrc64Nvme(data).toString(16).padStart(16, '0'));
  });

  it('the reference CRC64NVME itself gives the check value', () => {
    expect(referenceCrc64Nvme(CHECK).toString(16)).toBe('ae8b14860a799888');
  });
});

describe('checksum digests: form and edge cases', () => {
  it('empty input', () => {
    expect(digest('CRC32')).toBe('AAAAAA==');
    expect(digest('CRC32C')).toBe('AAAAAA==');
    expect(digest('CRC64NVME')).toBe('AAAAAAAAAAA=');
    expect(digest('SHA1')).toBe(createHash('sha1').digest('base64'));
    expect(digest('SHA256')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('empty updates change nothing', () => {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      expect(digest(algorithm, Buffer.alloc(0), CHECK, Buffer.alloc(0)), algorithm).toBe(digest(algorithm, CHECK));
    }
  });

  it('outputs padded standard base64 of the big-endian digest, of the algorithm’s byte length', () => {
    expect(digest('CRC32', CHECK)).toBe(Buffer.from('cbf43926', 'hex').toString('base64'));
    expect(digest('CRC32', CHECK)).toBe('y/Q5Jg==');
    expect(digest('CRC32C', CHECK)).toBe('4waSgw==');
    expect(digest('CRC64NVME', CHECK)).toBe('rosUhgp5mIg=');
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = digest(algorithm, randomBytes(100));
      expect(value, algorithm).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(value, 'base64').length, algorithm).toBe(CHECKSUM_BYTES[algorithm]);
    }
  });

  it('CRCs whose top bit is set still encode as unsigned', () => {
    // CRC32("123456789") = 0xcbf43926 has the top bit set; CRC64NVME's too (0xae...).
    expect(Buffer.from(digest('CRC32', CHECK), 'base64').readUInt32BE(0)).toBe(0xcbf43926);
    expect(Buffer.from(digest('CRC64NVME', CHECK), 'base64').readBigUInt64BE(0)).toBe(0xae8b14860a799888n);
  });

  it('each hasher is independent', () => {
    const a = createChecksumHasher('CRC32C');
    const b = createChecksumHasher('CRC32C');
    a.update(Buffer.from('1234'));
    b.update(CHECK);
    a.update(Buffer.from('56789'));
    expect(a.digestBase64()).toBe(b.digestBase64());
  });
});

describe('incremental updates', () => {
  const data = randomBytes(10_007);

  for (const algorithm of CHECKSUM_ALGORITHMS) {
    it(`${algorithm}: odd-sized slices equal one-shot`, () => {
      const oneShot = digest(algorithm, data);
      const sizes = [1, 2, 3, 5, 7, 11, 13, 17, 64, 1000, 4097];
      for (const size of sizes) {
        const chunks: Buffer[] = [];
        for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
        expect(digest(algorithm, ...chunks), `slices of ${size}`).toBe(oneShot);
      }
      // Irregular slicing, including empty slices.
      const cuts = [0, 0, 1, 4, 9, 9, 100, 3333, 3334, 10_000, data.length];
      const irregular = cuts.slice(1).map((end, i) => data.subarray(cuts[i], end));
      expect(digest(algorithm, ...irregular)).toBe(oneShot);
    });
  }
});

describe('checksumAlgorithmFromHeader / checksumHeaderName', () => {
  it('maps each x-amz-checksum-* header to its algorithm', () => {
    expect(checksumAlgorithmFromHeader('x-amz-checksum-crc32')).toBe('CRC32');
    expect(checksumAlgorithmFromHeader('x-amz-checksum-crc32c')).toBe('CRC32C');
    expect(checksumAlgorithmFromHeader('x-amz-checksum-crc64nvme')).toBe('CRC64NVME');
    expect(checksumAlgorithmFromHeader('x-amz-checksum-sha1')).toBe('SHA1');
    expect(checksumAlgorithmFromHeader('x-amz-checksum-sha256')).toBe('SHA256');
  });

  it('is case-insensitive', () => {
    expect(checksumAlgorithmFromHeader('X-Amz-Checksum-CRC64NVME')).toBe('CRC64NVME');
    expect(checksumAlgorithmFromHeader('X-AMZ-CHECKSUM-SHA256')).toBe('SHA256');
  });

  it('returns undefined for other headers', () => {
    for (const name of [
      'x-amz-checksum-algorithm',
      'x-amz-checksum-type',
      'x-amz-checksum-mode',
      'x-amz-checksum-md5',
      'x-amz-checksum-crc32x',
      'x-amz-checksum-',
      'x-amz-sdk-checksum-algorithm',
      'xx-amz-checksum-crc32',
      'x-amz-checksum-crc32 ',
      'content-md5',
      '',
    ]) {
      expect(checksumAlgorithmFromHeader(name), name).toBeUndefined();
    }
  });

  it('round-trips with checksumHeaderName for every algorithm', () => {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const name = checksumHeaderName(algorithm);
      expect(name).toBe(name.toLowerCase());
      expect(name.startsWith('x-amz-checksum-')).toBe(true);
      expect(checksumAlgorithmFromHeader(name)).toBe(algorithm);
    }
  });

  it('CHECKSUM_BYTES covers every algorithm with the digest sizes', () => {
    expect(CHECKSUM_BYTES).toEqual({ CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 });
    expect(Object.keys(CHECKSUM_BYTES).sort()).toEqual([...CHECKSUM_ALGORITHMS].sort());
  });
});
