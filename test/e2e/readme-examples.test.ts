import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The README's examples, run verbatim but for the port, against a server with the README's credentials. */
const repo = fileURLToPath(new URL('../../', import.meta.url));
let server: TestServer;
let readme: string;
let work: string;

function codeBlock(heading: string, language: string): string {
  const section = readme.slice(readme.indexOf(heading));
  const m = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section);
  if (!m) throw new Error(`README has no ${language} block under ${heading}`);
  return m[1].replaceAll('http://127.0.0.1:9000', server.endpoint);
}

beforeAll(async () => {
  readme = await readFile(join(repo, 'README.md'), 'utf8');
  server = await startTestServer({ CAIRN_ROOT_USER: 'cairnadmin', CAIRN_ROOT_PASSWORD: 'cairnadmin' });
  work = await mkdtemp(join(tmpdir(), 'cairn-readme-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_PROFILE']) delete env[name];
  return env;
};

describe('README examples', () => {
  it('the aws cli example', async () => {
    const script = `set -euo pipefail\n${codeBlock('### aws cli', 'sh')}`;
    const result = await run('bash', ['-c', script], { cwd: work, env: cleanEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/greetings\/hello\.txt/);
    expect(await readFile(join(work, 'hello-back.txt'), 'utf8')).toBe('hello cairn\n');
  });

  it('the boto3 example', async () => {
    const result = await run('python3', ['-c', codeBlock('### boto3', 'python')], { cwd: work, env: cleanEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/train\/shard-0000\.bin 1048576/);
  });

  it('the AWS SDK for JavaScript example', async () => {
    const dir = join(repo, '.tmp');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `readme-example-${process.pid}.mjs`);
    await writeFile(file, codeBlock('### AWS SDK for JavaScript', 'js'));
    try {
      const result = await run('node', [file], { cwd: work, env: cleanEnv() });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('written from JS\n');
    } finally {
      await rm(file, { force: true });
    }
  });
});
