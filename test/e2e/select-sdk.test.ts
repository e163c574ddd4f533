import { CreateBucketCommand, PutObjectCommand, S3Client, S3ServiceException, SelectObjectContentCommand, type SelectObjectContentCommandInput } from '@aws-sdk/client-s3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingDirectory } from '../../src/select/staging.js';
import { sendSigned } from '../helpers/raw-request.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'select-sdk';

const people = 'name,age,city\nalice,31,Paris\nbob,25,"New York, NY"\ncarol,40,Oslo\n';
/** About 3 MB of CSV: enough for many Records messages and a scan that takes a moment. */
const bigCsv = Array.from({ length: 60_000 }, (_, i) => `${i},name-${i},${'x'.repeat(30)},${i % 97}`).join('\n') + '\n';
const peopleLines = ['{"name":"alice","age":31,"tags":["a","b"],"address":{"city":"Paris"}}', '{"name":"bob","age":25,"tags":[]}', '{"name":"carol","age":40,"address":{"city":"Oslo"}}'].join('\n') + '\n';

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'people.csv', Body: people }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'people.jsonl', Body: peopleLines }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big.csv', Body: bigCsv }));
});
afterAll(async () => server?.stop());

interface SelectOutcome {
  records: string;
  stats?: { BytesScanned?: number; BytesProcessed?: number; BytesReturned?: number };
  progress: number;
  ended: boolean;
  recordMessages: number;
}

async function select(input: Partial<SelectObjectContentCommandInput>): Promise<SelectOutcome> {
  const out = await s3.send(
    new SelectObjectContentCommand({
      Bucket: bucket,
      Key: 'people.csv',
      ExpressionType: 'SQL',
      Expression: 'SELECT * FROM S3Object',
      InputSerialization: { CSV: { FileHeaderInfo: 'USE' } },
      OutputSerialization: { CSV: {} },
      ...input,
    } as SelectObjectContentCommandInput),
  );
  const outcome: SelectOutcome = { records: '', progress: 0, ended: false, recordMessages: 0 };
  for await (const event of out.Payload!) {
    if (event.Records?.Payload) {
      outcome.records += Buffer.from(event.Records.Payload).toString('utf8');
      outcome.recordMessages++;
    }
    if (event.Stats) outcome.stats = event.Stats.Details;
    if (event.Progress) outcome.progress++;
    if (event.End) outcome.ended = true;
  }
  return outcome;
}

async function failure(p: Promise<unknown>): Promise<{ code: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { code: err.name, status: err.$metadata.httpStatusCode };
    const e = err as { name?: string; Code?: string };
    return { code: e.Code ?? e.name ?? String(err) };
  }
  throw new Error('expected a failure');
}

describe('SelectObjectContent through the JS SDK', () => {
  it('filters CSV with a header and writes CSV', async () => {
    const r = await select({ Expression: 'SELECT s.name, s.city FROM S3Object s WHERE s.age > 30' });
    expect(r.records).toBe('alice,Paris\ncarol,Oslo\n');
    expect(r.ended).toBe(true);
    expect(r.stats).toEqual({ BytesScanned: people.length, BytesProcessed: people.length, BytesReturned: r.records.length });
  });

  it('quotes as needed and writes JSON', async () => {
    expect((await select({ Expression: "SELECT s.city FROM S3Object s WHERE s.name = 'bob'" })).records).toBe('"New York, NY"\n');
    const r = await select({ Expression: 'SELECT s.name, s.age FROM S3Object s LIMIT 2', OutputSerialization: { JSON: {} } });
    expect(r.records).toBe('{"name":"alice","age":"31"}\n{"name":"bob","age":"25"}\n');
  });

  it('queries JSON LINES', async () => {
    const r = await select({
      Key: 'people.jsonl',
      Expression: 'SELECT * FROM S3Object[*] s WHERE s.age > 30',
      InputSerialization: { JSON: { Type: 'LINES' } },
      OutputSerialization: { JSON: {} },
    });
    expect(r.records.trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(['alice', 'carol']);
  });

  it('sends Progress when asked', async () => {
    const r = await select({ Expression: 'SELECT COUNT(*) FROM S3Object', RequestProgress: { Enabled: true } });
    expect(r.records).toBe('3\n');
    expect(r.progress).toBeGreaterThan(0);
  });

  it('answers SQL errors as XML errors before the stream', async () => {
    expect(await failure(select({ Expression: 'SELECT FROM S3Object' }))).toMatchObject({ status: 400 });
    expect(await failure(select({ Key: 'missing.csv' }))).toMatchObject({ code: 'NoSuchKey', status: 404 });
  });
});

const REQUEST_XML = (expression: string) =>
  `<SelectObjectContentRequest><Expression>${expression}</Expression><ExpressionType>SQL</ExpressionType>` +
  '<InputSerialization><CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>';

/** Staged inputs left behind (the spare sandbox's directory has none). */
const stagedFiles = () => readdirSync(stagingDirectory()).filter((dir) => existsSync(join(stagingDirectory(), dir, 'input')));

describe('SelectObjectContent on the wire', () => {
  it('answers both ?select& and ?select=& forms and refuses another select-type', async () => {
    for (const query of ['select&select-type=2', 'select=&select-type=2']) {
      const res = await sendSigned(server.port, { method: 'POST', path: `/${bucket}/people.csv?${query}`, body: REQUEST_XML('SELECT COUNT(*) FROM S3Object') });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      // Records "3\n" then Stats then End, framed as event-stream messages.
      expect(res.body.includes(Buffer.from('3\n'))).toBe(true);
      expect(res.body.includes(Buffer.from(':event-type\x07\x00\x03End'))).toBe(true);
    }
    const wrong = await sendSigned(server.port, { method: 'POST', path: `/${bucket}/people.csv?select&select-type=1`, body: REQUEST_XML('SELECT * FROM S3Object') });
    expect([wrong.status, wrong.code]).toEqual([400, 'InvalidArgument']);
  });

  it('splits large results into bounded Records messages', async () => {
    const r = await select({ Key: 'big.csv', Expression: 'SELECT * FROM S3Object', InputSerialization: { CSV: { FileHeaderInfo: 'NONE' } } });
    expect(r.records).toBe(bigCsv);
    expect(r.recordMessages).toBeGreaterThan(bigCsv.length / (128 * 1024));
  });

  it('refuses hostile expressions before DuckDB sees them', async () => {
    const hostile = [
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/passwd')",
      "SELECT * FROM glob('/*')",
      "SELECT * FROM S3Object; COPY (SELECT 1) TO '/tmp/x.csv'",
      "SELECT * FROM S3Object s WHERE s.name = 'x'; ATTACH '/tmp/x.db'",
      'INSTALL httpfs',
      'PRAGMA version',
      "SELECT \"name\"\"); SELECT 1; --\" FROM S3Object s",
      "SELECT read_text('/etc/passwd') FROM S3Object",
      `SELECT '${'a'.repeat(300 * 1024)}' FROM S3Object`,
      `SELECT ${'('.repeat(500)}1${')'.repeat(500)} FROM S3Object`,
    ];
    for (const expression of hostile) {
      const f = await failure(select({ Expression: expression }));
      expect(f.status, expression.slice(0, 60)).toBe(400);
    }
    expect(stagedFiles()).toEqual([]);
  });

  it('stops the query and removes the staged file when the client goes away', async () => {
    const controller = new AbortController();
    const out = await s3.send(
      new SelectObjectContentCommand({
        Bucket: bucket,
        Key: 'big.csv',
        Expression: 'SELECT * FROM S3Object',
        ExpressionType: 'SQL',
        InputSerialization: { CSV: {} },
        OutputSerialization: { JSON: {} },
      }),
      { abortSignal: controller.signal },
    );
    const events = out.Payload![Symbol.asyncIterator]();
    await events.next();
    controller.abort();
    await events.return?.();
    for (let i = 0; i < 100 && stagedFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(stagedFiles()).toEqual([]);
    // The server still answers.
    expect((await select({ Expression: 'SELECT COUNT(*) FROM S3Object' })).records).toBe('3\n');
  });
});
