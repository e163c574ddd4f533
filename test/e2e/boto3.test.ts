import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../helpers/run.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

it('passes the boto3 suite (pytest)', async () => {
  const suite = fileURLToPath(new URL('./python/test_boto3.py', import.meta.url));
  const result = await run('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', suite], { env: server.childEnv() });
  expect(result.stdout + result.stderr).toMatch(/passed/);
  expect(result.code, result.stdout + result.stderr).toBe(0);
}, 300_000);
