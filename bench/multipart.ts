/**
 * The multipart scenario: one large object uploaded through
 * @aws-sdk/lib-storage (the way applications upload big files) and downloaded
 * with GetObject, each timed end to end; and the same byte volume at the same
 * concurrency against the ceiling server:
 *
 *   upload ceiling    the parts as plain PUTs to /fsync, `queueSize` at a time
 *                     (what the parts cost at best; no completion step)
 *   download ceiling  one GET of a file of the object's size
 *
 * Bodies are streamed from slices of the one preallocated random buffer; no
 * side ever holds the whole object.
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { putAll, putStream, send, type Target } from './load.js';

const MiB = 1024 * 1024;
/** The generator hands out bodies in slices of this size, as a file or socket stream would. */
const CHUNK = MiB;

export interface MultipartShape {
  /** Object size in bytes; a multiple of partSize. */
  size: number;
  partSize: number;
  queueSize: number;
}

export const MULTIPART: MultipartShape = { size: 1024 * MiB, partSize: 8 * MiB, queueSize: 4 };

export function partCount(shape: MultipartShape): number {
  return Math.ceil(shape.size / shape.partSize);
}

/** `size` bytes as CHUNK-sized slices of `data`, cycling through it. */
export function* chunksOf(data: Buffer, size: number): Generator<Buffer> {
  let offset = 0;
  for (let sent = 0; sent < size; ) {
    const len = Math.min(CHUNK, size - sent, data.length - offset);
    yield data.subarray(offset, offset + len);
    sent += len;
    offset = (offset + len) % data.length;
  }
}

/** An S3 client for cairn with the SDK's defaults apart from the endpoint: CRC32 per part included. */
export function cairnClient(port: number, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
}

/** What the SDK put on the wire for the first UploadPart, recorded once for the report. */
export interface PartRequestShape {
  headers: Record<string, string>;
}

const WIRE_HEADERS = /^(x-amz-content-sha256|x-amz-checksum-.*|x-amz-sdk-checksum-algorithm|x-amz-trailer|x-amz-decoded-content-length|content-encoding|content-md5|expect|transfer-encoding|content-length)$/i;

/**
 * Records, on `client`, when the last UploadPart finished (so the completion
 * step can be told apart from the parts) and the headers of one UploadPart.
 */
export function instrument(client: S3Client): { lastPartAt: () => number; firstPart: () => PartRequestShape | undefined; reset: () => void } {
  let lastPartAt = NaN;
  let firstPart: PartRequestShape | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'UploadPartCommand') lastPartAt = performance.now();
      return result;
    },
    { step: 'initialize', name: 'benchPartTimer' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand' && firstPart === undefined) {
        const request = args.request as { headers?: Record<string, string> };
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(request.headers ?? {})) if (WIRE_HEADERS.test(k)) headers[k.toLowerCase()] = v;
        firstPart = { headers };
      }
      return next(args);
    },
    // The deserialize step sees the request exactly as signed and sent.
    { step: 'deserialize', name: 'benchPartHeaders' },
  );
  return {
    lastPartAt: () => lastPartAt,
    firstPart: () => firstPart,
    reset: () => {
      lastPartAt = NaN;
    },
  };
}

export interface Timed {
  bytes: number;
  seconds: number;
  mbPerSec: number;
  /** Upload only: from the last part's answer to CompleteMultipartUpload's. */
  completeSeconds?: number;
}

function timed(bytes: number, start: number, extra: Partial<Timed> = {}): Timed {
  const seconds = (performance.now() - start) / 1000;
  return { bytes, seconds, mbPerSec: bytes / seconds / 1e6, ...extra };
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/**
 * lib-storage Upload of `shape.size` bytes streamed from `data`; then
 * HeadObject must show the full size and an ETag ending in -<part count>.
 */
export async function cairnUpload(
  client: S3Client,
  probe: ReturnType<typeof instrument>,
  bucket: string,
  key: string,
  data: Buffer,
  shape: MultipartShape,
): Promise<Timed> {
  probe.reset();
  const start = performance.now();
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: Readable.from(chunksOf(data, shape.size)) },
    partSize: shape.partSize,
    queueSize: shape.queueSize,
    leavePartsOnError: false,
  });
  await upload.done();
  const result = timed(shape.size, start, { completeSeconds: (performance.now() - probe.lastPartAt()) / 1000 });
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const parts = partCount(shape);
  if (head.ContentLength !== shape.size || !unquote(head.ETag).endsWith(`-${parts}`)) {
    throw new Error(`cairn: after the upload, HeadObject ${key} gave size ${head.ContentLength} and ETag ${head.ETag}; expected ${shape.size} and an ETag ending in -${parts}`);
  }
  return result;
}

/** GetObject streamed and dropped; Content-Length and the byte count must both equal `size`. */
export async function cairnDownload(client: S3Client, bucket: string, key: string, size: number): Promise<Timed> {
  const start = performance.now();
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let received = 0;
  for await (const chunk of got.Body as Readable) received += (chunk as Buffer).length;
  const result = timed(received, start);
  if (got.ContentLength !== size || received !== size) {
    throw new Error(`cairn: GetObject ${key} Content-Length ${got.ContentLength}, received ${received} bytes, expected ${size}`);
  }
  return result;
}

/** The parts alone: part-count PUTs of partSize to `target`, queueSize at a time. */
export async function ceilingUpload(target: Target, prefix: string, data: Buffer, shape: MultipartShape): Promise<Timed> {
  const keys = Array.from({ length: partCount(shape) }, (_, i) => `${prefix}/part-${String(i + 1).padStart(5, '0')}`);
  const start = performance.now();
  await putAll(target, keys, data.subarray(0, shape.partSize), shape.queueSize);
  return timed(keys.length * shape.partSize, start);
}

/** Creates the file the download ceiling reads: one streamed PUT of `size` bytes. */
export async function ceilingCreate(target: Target, key: string, data: Buffer, size: number): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  try {
    await putStream(agent, target, key, chunksOf(data, size), size);
  } finally {
    agent.destroy();
  }
}

/** One GET of the whole file, counted and dropped. */
export async function ceilingDownload(target: Target, key: string, size: number): Promise<Timed> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const start = performance.now();
    const { bytes } = await send(agent, target, 'GET', key, undefined, size);
    return timed(bytes, start);
  } finally {
    agent.destroy();
  }
}
