import { CreateBucketCommand, PutObjectCommand, S3ServiceException, SelectObjectContentCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * A memory-exhaustion expression: `||` over ten records of ~1 MB each. Built
 * pairwise, 50 operands kept gigabytes of intermediate strings that DuckDB's
 * memory_limit does not count; the chain must instead fail with
 * OverMaxRecordSize before any big string exists, and the server must go on
 * answering. The server runs in this process, so its RSS is measured here.
 */
let server: TestServer;
let s3: S3Client;
const bucket = 'select-memory';
const RECORD_BYTES = 1_000_000;
const hugeRows = Array.from({ length: 10 }, (_, i) => `${String(i).padEnd(RECORD_BYTES, 'x')}\n`).join('');

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'huge-rows.csv', Body: hugeRows }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small.csv', Body: 'a,b\n1,2\n' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

/** The records of a select, or the code it failed with (an XML error or an error event, whichever came). */
async function selectOutcome(key: string, expression: string): Promise<{ records?: string; code?: string }> {
  try {
    const out = await s3.send(
      new SelectObjectContentCommand({
        Bucket: bucket,
        Key: key,
        ExpressionType: 'SQL',
        Expression: expression,
        InputSerialization: { CSV: { FileHeaderInfo: 'NONE' } },
        OutputSerialization: { CSV: {} },
      }),
    );
    let records = '';
    for await (const event of out.Payload!) {
      if (event.Records?.Payload) records += Buffer.from(event.Records.Payload).toString('utf8');
    }
    return { records };
  } catch (err) {
    if (err instanceof S3ServiceException) return { code: err.name };
    const e = err as { name?: string; Code?: string };
    return { code: e.Code ?? e.name ?? String(err) };
  }
}

/** Runs `work` while sampling this process's RSS; the largest growth seen over the starting RSS. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - start };
  } finally {
    clearInterval(sampler);
  }
}

describe('S3 Select under a memory-exhaustion expression', () => {
  it('fails a 50-operand || chain over 1 MB records with OverMaxRecordSize, memory bounded, and serves the next select', async () => {
    const chain = Array(50).fill('s._1').join(' || ');
    const { result, growth } = await peakRssGrowth(() => selectOutcome('huge-rows.csv', `SELECT ${chain} FROM S3Object s`));
    expect(result).toEqual({ code: 'OverMaxRecordSize' });
    expect(growth).toBeLessThan(600 * 1024 * 1024);

    // Nested inside a function and in WHERE: bounded the same way.
    expect(await selectOutcome('huge-rows.csv', `SELECT COUNT(*) FROM S3Object s WHERE CHAR_LENGTH(UPPER(s._1 || s._1)) > 0`)).toEqual({
      code: 'OverMaxRecordSize',
    });
    // Below the bound a chain over the same records still answers.
    expect(await selectOutcome('huge-rows.csv', `SELECT CHAR_LENGTH(s._1 || '|') FROM S3Object s LIMIT 1`)).toEqual({
      records: `${RECORD_BYTES + 1}\n`,
    });
    expect(await selectOutcome('small.csv', `SELECT s._1 || '-' || s._2 FROM S3Object s`)).toEqual({ records: 'a-b\n1-2\n' });
  });
});
