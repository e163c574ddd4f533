import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { parseSelectRequest } from '../../src/select/request.js';
import { selectObjectContent } from '../../src/select/select-object.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Cont keep-alives: while a scan has nothing to send, the event stream
 * carries Cont messages. The object is read through the server's own
 * backend, slowed down (a pause before each piece) so the scan outlasts many
 * keep-alive periods whatever the machine's speed; the period is shortened
 * through the orchestration's timing option.
 */
let server: TestServer;
const bucket = 'select-keepalive';
const csv = Array.from({ length: 20_000 }, (_, i) => `${i},name-${i},${i % 97}`).join('\n') + '\n';

beforeAll(async () => {
  server = await startTestServer();
  const s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'rows.csv', Body: csv }));
  s3.destroy();
});
afterAll(async () => server?.stop());

/** The backend, with every object body handed over in small pieces, `pauseMs` apart. */
function slowed(backend: Backend, pauseMs: number): Backend {
  return Object.assign(Object.create(backend) as Backend, {
    async getObject(...args: Parameters<Backend['getObject']>) {
      const result = await backend.getObject(...args);
      async function* trickle(): AsyncGenerator<Buffer> {
        for await (const chunk of result.body as AsyncIterable<Buffer>) {
          for (let i = 0; i < chunk.length; i += 64 * 1024) {
            await sleep(pauseMs);
            yield chunk.subarray(i, i + 64 * 1024);
          }
        }
      }
      return { ...result, body: Readable.from(trickle()) };
    },
  });
}

const codec = new EventStreamCodec(
  (s: string) => Buffer.from(s, 'utf8').toString('utf8'),
  (s: string) => new Uint8Array(Buffer.from(s, 'utf8')),
);

/** Splits an event stream into messages and decodes each with the SDK's codec (CRCs checked); their event types. */
function eventTypes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const message = codec.decode(new Uint8Array(bytes.subarray(at, at + length)));
    types.push(String(message.headers[':event-type']?.value ?? message.headers[':error-code']?.value));
    at += length;
  }
  return types;
}

describe('Cont keep-alives', () => {
  it('arrive while a long scan has nothing to send, then Stats and End', async () => {
    const request = parseSelectRequest(
      Buffer.from(
        "<SelectObjectContentRequest><Expression>SELECT * FROM S3Object s WHERE s._2 = 'nobody'</Expression><ExpressionType>SQL</ExpressionType>" +
          '<InputSerialization><CSV><FileHeaderInfo>NONE</FileHeaderInfo></CSV></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>',
      ),
    );
    // ~5 pieces, 60 ms apart: 300 ms of scanning against a 10 ms keep-alive period.
    const stream = await selectObjectContent(request, {
      backend: slowed(server.cairn.deps.registry.resolve(bucket), 60),
      bucket,
      key: 'rows.csv',
      signal: new AbortController().signal,
      timing: { commitAfterMs: 0, keepAliveMs: 10 },
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const types = eventTypes(Buffer.concat(chunks));
    expect(types.filter((t) => t === 'Cont').length).toBeGreaterThan(1);
    expect(types).not.toContain('Records');
    expect(types.slice(-2)).toEqual(['Stats', 'End']);
    expect(new Set(types)).toEqual(new Set(['Cont', 'Stats', 'End']));
  });
});
