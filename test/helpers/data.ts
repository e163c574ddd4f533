import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Deterministic test data without holding it in memory: the AES-256-CTR key
 * stream of a key derived from a seed. The same (size, seed) always gives the
 * same bytes, so a large upload can be regenerated to compute the expected
 * hash instead of being kept around.
 */

export const MiB = 1024 * 1024;

function keyStream(seed: string) {
  const key = createHash('sha256').update(`cairn-test-data:${seed}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
}

/** `size` deterministic bytes as a stream of at most `chunkSize`-byte chunks. */
export function patternStream(size: number, seed: string, chunkSize = MiB): Readable {
  const cipher = keyStream(seed);
  const zeros = Buffer.alloc(chunkSize);
  let left = size;
  return new Readable({
    highWaterMark: chunkSize,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, chunkSize);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

/** The same bytes as `patternStream(size, seed)`, in memory (for small files). */
export function patternBuffer(size: number, seed: string): Buffer {
  return keyStream(seed).update(Buffer.alloc(size));
}

export interface StreamDigests {
  size: number;
  sha256: string;
  md5: string;
  /** The S3 multipart ETag (without quotes) the data gets when uploaded in parts of `partSize` bytes, if asked for. */
  multipartEtag?: string;
}

/** Incremental digests: sha256 and md5 of the whole, and optionally the multipart ETag for a part size. */
export class Digester {
  private readonly sha = createHash('sha256');
  private readonly md5 = createHash('md5');
  private readonly partMd5s: Buffer[] = [];
  private part = createHash('md5');
  private inPart = 0;
  private size = 0;

  constructor(private readonly partSize?: number) {}

  update(chunk: Buffer): void {
    this.sha.update(chunk);
    this.md5.update(chunk);
    this.size += chunk.length;
    const partSize = this.partSize;
    if (!partSize) return;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(partSize - this.inPart, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.inPart += take;
      offset += take;
      if (this.inPart === partSize) {
        this.partMd5s.push(this.part.digest());
        this.part = createHash('md5');
        this.inPart = 0;
      }
    }
  }

  finish(): StreamDigests {
    const result: StreamDigests = { size: this.size, sha256: this.sha.digest('hex'), md5: this.md5.digest('hex') };
    if (this.partSize) {
      if (this.inPart > 0 || this.partMd5s.length === 0) this.partMd5s.push(this.part.digest());
      result.multipartEtag = `${createHash('md5').update(Buffer.concat(this.partMd5s)).digest('hex')}-${this.partMd5s.length}`;
    }
    return result;
  }
}

/** Hashes a stream (Node Readable, or any async iterable of bytes such as a fetch body) to its end. */
export async function digestStream(stream: AsyncIterable<Uint8Array> | Readable, partSize?: number): Promise<StreamDigests> {
  const digester = new Digester(partSize);
  for await (const raw of stream as AsyncIterable<Uint8Array>) digester.update(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
  return digester.finish();
}

/** Digests of `patternStream(size, seed)`, computed by generating it again. */
export function patternDigests(size: number, seed: string, partSize?: number): Promise<StreamDigests> {
  return digestStream(patternStream(size, seed), partSize);
}

/** Writes `patternStream(size, seed)` to a file (creating its folder) and returns its digests. */
export async function writePatternFile(path: string, size: number, seed: string, partSize?: number): Promise<StreamDigests> {
  await mkdir(dirname(path), { recursive: true });
  const digester = new Digester(partSize);
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      digester.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(patternStream(size, seed), hashing, createWriteStream(path));
  return digester.finish();
}

/** Digests of a file's content, streamed. */
export function digestFile(path: string, partSize?: number): Promise<StreamDigests> {
  return digestStream(createReadStream(path, { highWaterMark: MiB }), partSize);
}

/** Writes small files (relative path → content), creating folders. */
export async function writeTree(root: string, files: Record<string, Buffer>): Promise<void> {
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), data);
  }
}

/** Every regular file under `root` as relative POSIX path → sha256, sorted by path. */
export async function hashTree(root: string): Promise<Record<string, string>> {
  const out: [string, string][] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(dir, entry.name), rel);
      else if (entry.isFile()) out.push([rel, (await digestFile(join(dir, entry.name))).sha256]);
    }
  }
  await walk(root, '');
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(out);
}

/** sha256 of an in-memory buffer, hex. */
export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
