import type { ServerResponse } from 'node:http';
import { Readable, Transform, pipeline } from 'node:stream';
import { BufferedBody } from '../backends/buffered-body.js';
import { recyclerOf } from '../backends/recycled-chunks.js';

/**
 * What a handler answers: status, headers and a body that is either small
 * (XML, a string or buffer) or a stream written with backpressure. Handlers
 * build replies; only `sendReply` touches the HTTP response.
 */
export interface S3Reply {
  status: number;
  headers: Record<string, string | number | undefined>;
  body?: string | Buffer | Readable;
}

export function xmlReply(xml: string | Buffer, status = 200, headers: S3Reply['headers'] = {}): S3Reply {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: xml };
}

export function emptyReply(status = 200, headers: S3Reply['headers'] = {}): S3Reply {
  return { status, headers };
}

/** Counts bytes on their way out, for the access log and metrics. */
function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/**
 * Writes a reply. HEAD replies carry headers only. Resolves when the
 * response has finished or failed; a stream error after the headers are out
 * can only be signalled by cutting the connection, which pipeline does.
 */
export function sendReply(res: ServerResponse, reply: S3Reply, method: string, onBytes: (n: number) => void): Promise<void> {
  // The client left before the reply: the response already fired its only 'close', so nothing below would ever end.
  if (res.destroyed) {
    if (reply.body instanceof Readable) reply.body.destroy();
    return Promise.resolve();
  }
  const headers: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(reply.headers)) if (value !== undefined) headers[name] = value;
  // A body already in memory is written in one go, like a Buffer.
  const body = reply.body instanceof BufferedBody ? reply.body.takeBytes() : reply.body;
  if (method === 'HEAD' || body === undefined) {
    if (body instanceof Readable) body.destroy();
    if (method !== 'HEAD' && headers['content-length'] === undefined) headers['content-length'] = 0;
    res.writeHead(reply.status, headers);
    res.end();
    return finished(res);
  }
  if (!(body instanceof Readable)) {
    const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    headers['content-length'] = buffer.length;
    res.writeHead(reply.status, headers);
    onBytes(buffer.length);
    res.end(buffer);
    return finished(res);
  }
  res.writeHead(reply.status, headers);
  const recycle = recyclerOf(body);
  if (recycle) return writeRecycling(body, res, onBytes, recycle);
  return new Promise((resolve) => {
    pipeline(body, byteCounter(onBytes), res, () => resolve());
  });
}

/**
 * Streams a body whose chunks the producer reuses (recycled-chunks.ts): each
 * chunk is handed back only once the socket has taken all its bytes (the
 * write's callback without an error), never earlier. Backpressure as in a
 * pipeline: the body is paused while the response is over its high-water
 * mark. Flowing mode hands chunks over one by one as produced (read() may
 * merge buffered ones into a copy). A body error cuts the connection; a
 * client gone early destroys the body.
 */
function writeRecycling(body: Readable, res: ServerResponse, onBytes: (n: number) => void, recycle: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve) => {
    body.on('data', (chunk: Buffer) => {
      onBytes(chunk.length);
      const more = res.write(chunk, (err) => {
        if (!err) recycle(chunk);
      });
      if (!more) body.pause();
    });
    res.on('drain', () => body.resume());
    body.once('end', () => res.end());
    body.once('error', () => res.destroy());
    // 'close' follows 'finish' on a response, and comes alone when the connection dies.
    res.once('close', () => {
      body.destroy();
      resolve();
    });
  });
}

function finished(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.writableFinished) return resolve();
    res.once('finish', resolve);
    res.once('close', resolve);
  });
}
