import { afterAll, beforeAll, it } from 'vitest';
import { expectPytestPasses } from '../helpers/pytest.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

it('passes the boto3 suite (pytest)', async () => {
  await expectPytestPasses(server, 'test_boto3.py');
}, 300_000);
