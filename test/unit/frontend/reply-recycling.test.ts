import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { offerRecycling } from '../../../src/backends/recycled-chunks.js';
import { sendReply } from '../../../src/frontend/reply.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Serves `body` once through sendReply; resolves with the server's URL and when the reply finished. */
async function serve(body: Readable, length: number) {
  let replied!: Promise<void>;
  server = createServer((_req, res) => {
    replied = sendReply(res, { status: 200, headers: { 'content-length': length }, body }, 'GET', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, replied: () => replied };
}

describe('sendReply with a body that takes its chunks back', () => {
  it('sends every byte and hands each chunk back only after the socket took it', async () => {
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(256 * 1024, i));
    const handedBack: Buffer[] = [];
    let sent = 0;
    const body = offerRecycling(
      Readable.from(
        (function* () {
          for (const chunk of chunks) {
            // Every chunk handed back before this one was pulled has been written out whole.
            expect(handedBack.length).toBeLessThanOrEqual(sent);
            sent++;
            yield chunk;
          }
        })(),
        { objectMode: false },
      ),
      (chunk) => handedBack.push(chunk),
    );
    const total = chunks.length * 256 * 1024;
    const { url, replied } = await serve(body, total);
    const received = await new Promise<Buffer>((resolve, reject) => {
      get(url, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      }).on('error', reject);
    });
    await replied();
    expect(received.equals(Buffer.concat(chunks))).toBe(true);
    expect(handedBack).toHaveLength(chunks.length);
    expect(handedBack.every((chunk, i) => chunk === chunks[i])).toBe(true);
  });

  it('destroys the body when the client goes away mid-stream', async () => {
    const body = offerRecycling(
      new Readable({
        read() {
          this.push(Buffer.alloc(256 * 1024, 7));
        },
      }),
      () => undefined,
    );
    const closed = new Promise<void>((resolve) => body.once('close', resolve));
    const { url, replied } = await serve(body, 1 << 30);
    await new Promise<void>((resolve) => {
      const req = get(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await closed;
    await replied();
    expect(body.destroyed).toBe(true);
  });

  it('ends at once, destroying the body, when the client left before the reply started', async () => {
    const body = offerRecycling(Readable.from([Buffer.alloc(1024, 1)], { objectMode: false }), () => undefined);
    let replied!: Promise<void>;
    const started = new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        // The handler is still working when the client hangs up; only then does it reply.
        res.once('close', () => {
          replied = sendReply(res, { status: 200, headers: { 'content-length': 1024 }, body }, 'GET', () => undefined);
          resolve();
        });
        req.resume();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const req = get(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`);
    req.on('error', () => undefined);
    setTimeout(() => req.destroy(), 20);
    await started;
    await replied;
    expect(body.destroyed).toBe(true);
  });
});
