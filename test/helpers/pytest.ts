import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { run } from './run.js';
import type { TestServer } from './server.js';

/** Runs one boto3 suite from test/e2e/python against the server and fails with pytest's output. */
export async function expectPytestPasses(server: TestServer, file: string): Promise<void> {
  const suite = fileURLToPath(new URL(`../e2e/python/${file}`, import.meta.url));
  const result = await run('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', suite], { env: server.childEnv() });
  expect(result.stdout + result.stderr).toMatch(/passed/);
  expect(result.code, result.stdout + result.stderr).toBe(0);
}
