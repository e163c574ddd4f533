/**
 * The `select` group: S3 Select over a 100 MB CSV object on cairn's default
 * volume, against DuckDB running the same query directly on the same file
 * in this process, in the same run:
 *
 *   filter      SELECT * … WHERE amount > 990 (about 1% of the rows come back)
 *   aggregate   COUNT, SUM, AVG, MAX over every row
 *
 * cairn's time is the whole SelectObjectContent call through the JS SDK
 * (request, staging, DuckDB, encoding, event stream decoded and counted);
 * DuckDB's is the query over the file with every result row read. Targets:
 * filter ≤ 1.5×, aggregate ≤ 1.3×.
 */
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, SelectObjectContentCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { GroupContext } from './erasure-cairn.js';
import { cairnClient } from './multipart.js';
import { toStat, type ScenarioReport } from './report.js';
import { BUCKET, PASSWORD, USER } from './targets.js';

const TARGET_BYTES = 100 * 1000 * 1000;
const KEY = 'select/data.csv';
const CITIES = ['Oslo', 'Paris', 'Lisbon', 'Nairobi', 'Lima', 'Osaka', 'Quito', 'Perth'];

interface SelectQuery {
  name: string;
  /** The S3 Select expression (header names, CSV fields are strings). */
  expression: string;
  /** The same question asked of DuckDB directly; `$file` is the CSV. */
  direct: string;
  target: number;
}

const QUERIES: SelectQuery[] = [
  {
    name: 'select filter 100 MB CSV',
    expression: 'SELECT * FROM S3Object s WHERE s.amount > 990',
    direct: "SELECT * FROM read_csv($file, header = true) WHERE amount > 990",
    target: 1.5,
  },
  {
    name: 'select aggregate 100 MB CSV',
    expression: 'SELECT COUNT(*), SUM(CAST(s.amount AS FLOAT)), AVG(CAST(s.amount AS FLOAT)), MAX(CAST(s.amount AS FLOAT)) FROM S3Object s',
    direct: 'SELECT COUNT(*), SUM(amount), AVG(amount), MAX(amount) FROM read_csv($file, header = true)',
    target: 1.3,
  },
];

/** A deterministic CSV of about 100 MB: id, name, city, amount (0–1000, two decimals), note. */
async function writeCsv(path: string): Promise<number> {
  const lines: string[] = ['id,name,city,amount,note'];
  let bytes = lines[0].length + 1;
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let id = 1; bytes < TARGET_BYTES; id++) {
    const line = `${id},user${next() % 100000},${CITIES[next() % CITIES.length]},${((next() % 100000) / 100).toFixed(2)},note number ${next() % 1000}`;
    lines.push(line);
    bytes += line.length + 1;
  }
  await writeFile(path, lines.join('\n') + '\n');
  return (await stat(path)).size;
}

/** One SelectObjectContent, every event read; seconds and Records bytes. */
async function throughCairn(client: S3Client, expression: string): Promise<{ seconds: number; bytes: number }> {
  const began = performance.now();
  const out = await client.send(
    new SelectObjectContentCommand({
      Bucket: BUCKET,
      Key: KEY,
      Expression: expression,
      ExpressionType: 'SQL',
      InputSerialization: { CSV: { FileHeaderInfo: 'USE' } },
      OutputSerialization: { CSV: {} },
    }),
  );
  let bytes = 0;
  let ended = false;
  for await (const event of out.Payload!) {
    if (event.Records?.Payload) bytes += event.Records.Payload.length;
    if (event.End) ended = true;
  }
  if (!ended) throw new Error(`select "${expression}" ended without an End event`);
  return { seconds: (performance.now() - began) / 1000, bytes };
}

/** The query straight on the file, every chunk fetched; seconds and rows. */
async function directly(connection: DuckDBConnection, sql: string, file: string): Promise<{ seconds: number; rows: number }> {
  const began = performance.now();
  const result = await connection.stream(sql.replace('$file', `'${file.replaceAll("'", "''")}'`));
  let rows = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    rows += chunk.rowCount;
    chunk.getColumns();
  }
  return { seconds: (performance.now() - began) / 1000, rows };
}

export async function selectGroup(ctx: GroupContext, cairnPort: number): Promise<ScenarioReport[]> {
  const file = join(ctx.base, 'select.csv');
  const size = await writeCsv(file);
  ctx.log(`select: ${(size / 1e6).toFixed(0)} MB CSV written; uploading`);
  const client = cairnClient(cairnPort, USER, PASSWORD);
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: createReadStream(file), ContentLength: size }));
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const samples = new Map<string, { cairn: number[]; duckdb: number[] }>(QUERIES.map((q) => [q.name, { cairn: [], duckdb: [] }]));
  try {
    // One untimed round each: page cache, JIT, the server's lazy DuckDB instance.
    for (const q of QUERIES) {
      await throughCairn(client, q.expression);
      await directly(connection, q.direct, file);
    }
    for (let run = 0; run < ctx.runs; run++) {
      for (const q of QUERIES) {
        const order = run % 2 === 0 ? ['cairn', 'duckdb'] : ['duckdb', 'cairn'];
        for (const who of order) {
          const s = samples.get(q.name)!;
          if (who === 'cairn') {
            const r = await throughCairn(client, q.expression);
            s.cairn.push(r.seconds * 1000);
            ctx.log(`[run ${run + 1}/${ctx.runs}] ${q.name} cairn ${(r.seconds * 1000).toFixed(0)} ms, ${r.bytes} bytes of records`);
          } else {
            const r = await directly(connection, q.direct, file);
            s.duckdb.push(r.seconds * 1000);
            ctx.log(`[run ${run + 1}/${ctx.runs}] ${q.name} duckdb ${(r.seconds * 1000).toFixed(0)} ms, ${r.rows} rows`);
          }
        }
      }
    }
  } finally {
    connection.closeSync();
    db.closeSync();
    client.destroy();
  }
  return QUERIES.map((q) => {
    const s = samples.get(q.name)!;
    return {
      scenario: q.name,
      unit: 'ms',
      cairn: toStat(s.cairn),
      cairnP50Ms: NaN,
      cairnP99Ms: NaN,
      cairnCores: NaN,
      ceilingCores: NaN,
      ceiling: toStat(s.duckdb),
      note: `ceiling = DuckDB (@duckdb/node-api, same machine) running "${q.direct}" on the same file; cairn = SelectObjectContent "${q.expression}" through the JS SDK, all events read; target cairn/ceiling ≤ ${q.target}`,
    };
  });
}
