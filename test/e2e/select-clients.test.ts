import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPytestPasses } from '../helpers/pytest.js';
import { run } from '../helpers/run.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let work: string;

const CITIES = ['Oslo', 'Paris', 'Lima', 'Quito', 'Perth'];
const NOTES = ['plain', ' padded ', 'with_underscore', 'comma, inside', 'say "hi"', 'x'];

/** A deterministic row set: the Python suite evaluates queries over exactly these rows. */
function rows(count: number): Record<string, unknown>[] {
  let seed = 7;
  const next = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  return Array.from({ length: count }, (_, i) => ({
    id: `r${String(i + 1).padStart(3, '0')}`,
    name: ['alice', 'bob', 'xavier', 'carol', 'dax', 'eve'][next(6)] + String(i),
    age: 18 + next(50),
    city: CITIES[next(CITIES.length)],
    score: next(10000) / 100,
    born: new Date(Date.UTC(1960 + next(50), next(12), 1 + next(28), next(24), next(60), next(60))).toISOString().replace('.000Z', 'Z'),
    note: NOTES[next(NOTES.length)],
    address: { city: CITIES[next(CITIES.length)], zip: String(10000 + next(90000)) },
    tags: Array.from({ length: next(3) }, () => ['red', 'green', 'blue'][next(3)]),
  }));
}

beforeAll(async () => {
  server = await startTestServer();
  work = await mkdtemp(join(tmpdir(), 'cairn-select-e2e-'));
  const jsonl = join(work, 'rows.jsonl');
  await writeFile(jsonl, rows(60).map((r) => JSON.stringify(r)).join('\n') + '\n');
  // The Parquet object is made by DuckDB from the very rows the Python side reads.
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  await connection.run(
    `COPY (SELECT id, name, age::INTEGER AS age, city, score::DOUBLE AS score, born, note FROM read_ndjson('${jsonl}')) TO '${join(work, 'rows.parquet')}' (FORMAT parquet)`,
  );
  connection.closeSync();
  db.closeSync();
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('S3 Select from boto3 and the aws cli', () => {
  it('passes the boto3 suite (answers checked against Python csv/json evaluation)', async () => {
    process.env.SELECT_FIXTURES = work;
    await expectPytestPasses(server, 'test_select.py');
  }, 120_000);

  it('answers the aws s3api select-object-content command from the issue', async () => {
    const env = server.childEnv();
    const aws = async (...args: string[]) => {
      const result = await run('aws', args, { env, cwd: work });
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    const s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'select-cli' }));
    const people = [
      { name: 'alice', age: 31 },
      { name: 'bob', age: 25 },
      { name: 'carol', age: 47, extra: { nested: [1, 2] } },
    ];
    await s3.send(new PutObjectCommand({ Bucket: 'select-cli', Key: 'people.jsonl', Body: people.map((p) => JSON.stringify(p)).join('\n') + '\n' }));
    await aws(
      's3api', 'select-object-content',
      '--bucket', 'select-cli',
      '--key', 'people.jsonl',
      '--expression', 'SELECT * FROM S3Object[*] s WHERE s.age > 30',
      '--expression-type', 'SQL',
      '--input-serialization', '{"JSON": {"Type": "LINES"}}',
      '--output-serialization', '{"JSON": {}}',
      'out.json',
    );
    const out = await readFile(join(work, 'out.json'), 'utf8');
    expect(out.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(people.filter((p) => p.age > 30));
  }, 60_000);
});
