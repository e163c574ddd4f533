import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sandboxedConnection } from '../../../src/select/duckdb-runner.js';
import { stagingDirectory } from '../../../src/select/staging.js';

/**
 * The DuckDB instance S3 Select runs on, tested with raw SQL as if the
 * compiler had been bypassed: only the staging directory is reachable and
 * nothing can change that.
 */
let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await sandboxedConnection();
});
afterAll(() => connection?.closeSync());

async function refusal(sql: string): Promise<string> {
  try {
    await connection.runAndReadAll(sql);
  } catch (err) {
    return (err as Error).message;
  }
  return 'allowed';
}

describe('DuckDB sandbox', () => {
  it('reads staged files only', async () => {
    const staged = join(stagingDirectory(), 'sandbox-test');
    writeFileSync(staged, 'a,b\n1,2\n');
    const rows = await connection.runAndReadAll(`SELECT * FROM read_csv('${staged}', all_varchar = true)`);
    expect(rows.getRows()).toEqual([['1', '2']]);
    rmSync(staged);
    for (const sql of [
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/hostname')",
      "SELECT * FROM glob('/etc/*')",
      "SELECT * FROM sniff_csv('/etc/passwd')",
      "COPY (SELECT 1) TO '/tmp/cairn-sandbox-escape.csv'",
      "ATTACH '/tmp/cairn-sandbox-escape.db'",
      "SELECT * FROM read_csv('../../etc/passwd')",
      `SELECT * FROM read_csv('${stagingDirectory()}/../../etc/passwd')`,
    ]) {
      expect(await refusal(sql), sql).toMatch(/Permission Error|not allowed|disabled/i);
    }
  });

  it('cannot be reconfigured or extended', async () => {
    for (const sql of ['SET enable_external_access = true', "SET allowed_directories = ['/']", 'SET memory_limit = \'100GB\'', 'SET lock_configuration = false', 'SET autoinstall_known_extensions = true']) {
      expect(await refusal(sql), sql).toMatch(/Cannot change configuration option|locked/i);
    }
    expect(await refusal('INSTALL httpfs')).not.toBe('allowed');
    expect(await refusal("LOAD '/tmp/evil.duckdb_extension'")).not.toBe('allowed');
  });
});
