import { it } from 'vitest';
import { run } from '../../../helpers/run.js';
import { startTestServer } from '../../../helpers/server.js';
it('probe', async () => {
  const server = await startTestServer();
  const r = await run('python3', ['/tmp/probe.py'], { env: server.childEnv() });
  console.log(r.stdout, r.stderr);
  await server.stop();
}, 60000);
