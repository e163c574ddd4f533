/**
 * The ceiling: a bare node:http server doing the least a storage server can
 * do with the same requests. Run as a child process so it does not share an
 * event loop with the load generator:
 *
 *   node dist/bench/ceiling-server.js DIR
 *
 * It prints one line `{"port":N}` once it listens on 127.0.0.1 (an ephemeral
 * port), and stops on SIGTERM.
 *
 *   PUT /fsync/KEY    body → temp file, fsync, rename to KEY: durable and never
 *                     partially visible, the floor for an acknowledged write
 *   PUT /discard/KEY  body drained and dropped: the HTTP-only ceiling
 *   GET /file/KEY     the file sent back with its Content-Length (read whole
 *                     up to 1 MiB, streamed above)
 *
 * No auth, hashing, metadata or XML: everything cairn does beyond this shows
 * up as the gap.
 */
import { open, rename } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: ceiling-server.js DIR\n');
  process.exit(2);
}

let tempCounter = 0;

/** Keys come from the bench itself; flattening keeps every file directly inside DIR. */
function fileFor(key: string): string {
  return join(dir, decodeURIComponent(key).replace(/[^A-Za-z0-9._-]/g, '_'));
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _chunk of req) {
    // dropped
  }
}

async function putDurable(req: IncomingMessage, key: string): Promise<void> {
  const temp = join(dir, `.tmp-${process.pid}-${tempCounter++}`);
  const fh = await open(temp, 'w');
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, fileFor(key));
}

/** Files up to this size are read in one call and sent in one write, as any file server would. */
const SMALL_FILE = 1024 * 1024;

async function getFile(res: ServerResponse, key: string): Promise<void> {
  const fh = await open(fileFor(key), 'r');
  let streaming = false;
  try {
    const { size } = await fh.stat();
    const headers = { 'content-length': size, 'content-type': 'application/octet-stream' };
    if (size <= SMALL_FILE) {
      const buf = Buffer.allocUnsafe(size);
      let off = 0;
      while (off < size) {
        const { bytesRead } = await fh.read(buf, off, size - off, off);
        if (bytesRead === 0) throw new Error(`${key}: file shrank while reading`);
        off += bytesRead;
      }
      res.writeHead(200, headers).end(buf);
      return;
    }
    res.writeHead(200, headers);
    streaming = true;
    // 256 KiB reads: fewer trips through the thread pool than the 64 KiB default; the stream closes fh.
    await pipeline(fh.createReadStream({ highWaterMark: 256 * 1024 }), res);
  } finally {
    if (!streaming) await fh.close();
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const slash = url.indexOf('/', 1);
  const route = slash < 0 ? url : url.slice(0, slash);
  const key = slash < 0 ? '' : url.slice(slash + 1);
  if (req.method === 'PUT' && route === '/fsync' && key) {
    await putDurable(req, key);
  } else if (req.method === 'PUT' && route === '/discard') {
    await drain(req);
  } else if (req.method === 'GET' && route === '/file' && key) {
    return getFile(res, key);
  } else {
    await drain(req);
    res.writeHead(404, { 'content-length': 0 }).end();
    return;
  }
  res.writeHead(200, { 'content-length': 0 }).end();
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  handle(req, res).catch((err: unknown) => {
    process.stderr.write(`ceiling-server: ${req.method} ${req.url}: ${String(err)}\n`);
    if (!res.headersSent) res.writeHead(500, { 'content-length': 0, connection: 'close' }).end();
    else res.destroy();
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
