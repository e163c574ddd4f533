import { afterAll, beforeAll, it } from 'vitest';
import { expectPytestPasses } from '../helpers/pytest.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

it('passes the boto3 multipart suite (pytest: 100 MiB transfers with default and when_required checksums, listings, abort)', async () => {
  await expectPytestPasses(server, 'test_multipart.py');
}, 300_000);
