import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openSandbox, QuerySandbox } from '../../../src/select/sandbox.js';
import { stagingDirectory } from '../../../src/select/staging.js';

/**
 * The DuckDB instance each S3 Select query runs on, tested with raw SQL as if
 * the compiler had been bypassed: it reads its own staged input and nothing
 * else (not another query's input beside it), and nothing can change that.
 */
let mine: QuerySandbox;
let other: QuerySandbox;
let connection: DuckDBConnection;

beforeAll(async () => {
  [mine, other] = await Promise.all([QuerySandbox.create(), QuerySandbox.create()]);
  writeFileSync(mine.inputPath, 'a,b\n1,2\n');
  writeFileSync(other.inputPath, 'secret,x\n3,4\n');
  connection = await mine.connect();
});
afterAll(async () => {
  connection?.closeSync();
  await mine?.dispose();
  await other?.dispose();
});

async function refusal(sql: string): Promise<string> {
  try {
    await connection.runAndReadAll(sql);
  } catch (err) {
    return (err as Error).message;
  }
  return 'allowed';
}

describe('a query sandbox', () => {
  it('reads its own staged input; its warm-up file is gone before it is handed out', async () => {
    expect(existsSync(join(dirname(mine.inputPath), 'warmup'))).toBe(false);
    const rows = await connection.runAndReadAll(`SELECT * FROM read_csv('${mine.inputPath}', all_varchar = true)`);
    expect(rows.getRows()).toEqual([['1', '2']]);
  });

  it("cannot read another query's input in the same staging directory, nor anything else", async () => {
    const root = stagingDirectory();
    expect(dirname(dirname(other.inputPath))).toBe(root);
    const loose = join(root, 'loose-file');
    writeFileSync(loose, 'x\n');
    for (const sql of [
      `SELECT * FROM read_csv('${other.inputPath}')`,
      `SELECT * FROM read_text('${other.inputPath}')`,
      `SELECT * FROM read_blob('${other.inputPath}')`,
      `SELECT * FROM read_csv('${dirname(mine.inputPath)}/../${relative(root, other.inputPath)}')`,
      `SELECT * FROM read_csv('${mine.inputPath}/../../${relative(root, other.inputPath)}')`,
      `SELECT * FROM read_csv('${root}/*/input')`,
      `SELECT * FROM read_csv('${loose}')`,
      `SELECT * FROM glob('${root}/*')`,
      `SELECT * FROM glob('${dirname(mine.inputPath)}/*')`,
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/hostname')",
      "SELECT * FROM glob('/etc/*')",
      "SELECT * FROM sniff_csv('/etc/passwd')",
      "SELECT * FROM read_csv('input')",
      "SELECT * FROM read_csv('../../etc/passwd')",
      `COPY (SELECT 1) TO '${join(root, 'escape.csv')}'`,
      `COPY (SELECT 1) TO '${other.inputPath}'`,
      "ATTACH '/tmp/cairn-sandbox-escape.db'",
    ]) {
      expect(await refusal(sql), sql).toMatch(/Permission Error|not allowed|disabled/i);
    }
    expect(existsSync(join(root, 'escape.csv'))).toBe(false);
  });

  it('cannot be reconfigured or extended', async () => {
    for (const sql of [
      'SET enable_external_access = true',
      "SET allowed_directories = ['/']",
      `SET allowed_paths = ['${other.inputPath}']`,
      "SET temp_directory = '/tmp'",
      "SET memory_limit = '100GB'",
      'SET lock_configuration = false',
      'SET autoinstall_known_extensions = true',
      'RESET allowed_paths',
    ]) {
      expect(await refusal(sql), sql).toMatch(/Cannot change configuration option|locked/i);
    }
    expect(await refusal('INSTALL httpfs')).not.toBe('allowed');
    expect(await refusal("LOAD '/tmp/evil.duckdb_extension'")).not.toBe('allowed');
  });

  it('is handed out warm, one per query, and leaves nothing behind', async () => {
    const [a, b] = await Promise.all([openSandbox(), openSandbox()]);
    expect(a.inputPath).not.toBe(b.inputPath);
    writeFileSync(a.inputPath, 'x\n');
    await Promise.all([a.dispose(), b.dispose()]);
    expect(existsSync(dirname(a.inputPath))).toBe(false);
    expect(existsSync(dirname(b.inputPath))).toBe(false);
  });

  it('is recycled after a clean query: its input is deleted, the next input at its path is read afresh, the lock holds', async () => {
    const first = await openSandbox();
    writeFileSync(first.inputPath, 'a,b\n1,2\n');
    const read = async (sandbox: QuerySandbox): Promise<unknown[][]> => {
      const c = await sandbox.connect();
      try {
        return (await c.runAndReadAll(`SELECT * FROM read_csv('${sandbox.inputPath}', header = false, all_varchar = true)`)).getRows();
      } finally {
        c.closeSync();
      }
    };
    expect(await read(first)).toEqual([['a', 'b'], ['1', '2']]);
    await first.recycle();
    expect(existsSync(first.inputPath)).toBe(false);
    expect(existsSync(dirname(first.inputPath))).toBe(true);
    // DuckDB creates its spill directory once and cannot spill without it.
    expect(existsSync(join(dirname(first.inputPath), 'spill'))).toBe(true);

    const second = await openSandbox();
    expect(second).toBe(first);
    writeFileSync(second.inputPath, 'other,bytes\n');
    expect(await read(second)).toEqual([['other', 'bytes']]);
    const c = await second.connect();
    await expect(c.run('SET enable_external_file_cache = true')).rejects.toThrow(/Cannot change configuration option|locked/i);
    await expect(c.runAndReadAll(`SELECT * FROM read_csv('${other.inputPath}')`)).rejects.toThrow();
    c.closeSync();
    // Disposed (as after a failed query), it is never handed out again.
    await second.dispose();
    const third = await openSandbox();
    expect(third).not.toBe(first);
    await third.dispose();
  });
});
