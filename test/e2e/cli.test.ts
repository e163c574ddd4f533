import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, signRaw } from '../helpers/raw-request.js';
import { run } from '../helpers/run.js';

/** The compiled CLI, started as `npm start` starts it, as a real process. */
const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/src/cli.js');
let dir: string;

beforeAll(async () => {
  const build = await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo });
  expect(build.code, build.stdout + build.stderr).toBe(0);
  dir = await mkdtemp(join(tmpdir(), 'cairn-cli-'));
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Env without any CAIRN_/MINIO_/RUSTFS_ settings from the outside. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CAIRN|MINIO|RUSTFS)_/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; banner: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [cli, ...args], { env, cwd: dir });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m && out.includes('try:')) resolve({ child, port: Number(m[1]), banner: out });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

describe('cairn CLI', () => {
  it('--help describes the server command and its settings', async () => {
    const res = await run('node', [cli, '--help'], { env: cleanEnv() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/cairn server/);
    expect(res.stdout).toMatch(/CAIRN_ROOT_USER/);
  });

  it('starts with defaults, prints endpoint, credentials and an aws cli line, and stops on SIGTERM', async () => {
    const { child, port, banner } = await startCli(['server', '--address', '127.0.0.1:0'], cleanEnv());
    expect(banner).toMatch(/cairnadmin \/ cairnadmin/);
    expect(banner).toMatch(/aws --endpoint-url http:\/\/127\.0\.0\.1:\d+ s3 ls/);
    expect((await sendRaw(port, { method: 'GET', path: '/health/live' })).status).toBe(200);
    const signed = await signRaw(port, { method: 'GET', path: '/' }, { accessKeyId: 'cairnadmin', secretAccessKey: 'cairnadmin' });
    expect((await sendRaw(port, signed)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('refuses the default credentials on a non-loopback address, in one line', async () => {
    const res = await run('node', [cli, 'server', '--address', '0.0.0.0:0'], { env: cleanEnv(), cwd: dir });
    expect(res.code).not.toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/CAIRN_ROOT_USER/);
  });

  it('stops on an invalid setting with one line naming it', async () => {
    const res = await run('node', [cli, 'server'], { env: cleanEnv({ CAIRN_ADDRESS: '127.0.0.1:99999' }), cwd: dir });
    expect(res.code).not.toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/CAIRN_ADDRESS/);
  });

  it('lets an in-flight upload finish during a graceful shutdown', async () => {
    const env = cleanEnv({ CAIRN_ROOT_USER: 'gracefuladmin', CAIRN_ROOT_PASSWORD: 'graceful-secret', MINIO_VOLUMES: join(dir, 'graceful') });
    const { child, port } = await startCli(['server', '--address', '127.0.0.1:0'], env);
    const creds = { accessKeyId: 'gracefuladmin', secretAccessKey: 'graceful-secret' };
    expect((await sendRaw(port, await signRaw(port, { method: 'PUT', path: '/grace' }, creds))).status).toBe(200);
    const body = 'y'.repeat(200_000);
    const signed = await signRaw(port, { method: 'PUT', path: '/grace/slow', body }, { ...creds, payloadHash: 'UNSIGNED-PAYLOAD' });
    const { request } = await import('node:http');
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'PUT', path: signed.path, headers: { ...signed.headers, 'content-length': String(body.length) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(body.slice(0, 100_000));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(100_000)), 300);
      }, 200);
    });
    expect(await answer).toBe(200);
    expect(await exited(child)).toBe(0);
  });
});
