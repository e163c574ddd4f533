/**
 * The compiled server (dist/src/cli.js) as a child process over a set of
 * drive folders, for tests that kill it with SIGKILL and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { run } from '../../helpers/run.js';
import { ACCESS_KEY, SECRET_KEY } from '../../helpers/server.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(REPO, 'dist/src/cli.js');

/** Compiles src/ to dist/ (as `npm start` does) so the child runs the code under test. */
export async function buildDist(): Promise<void> {
  const build = await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO });
  if (build.code !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the child printed, for failure messages. */
  output(): string;
  kill9(): Promise<void>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function live(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health/live', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Starts `cairn server` over `volumes` with the test credentials; resolves once it answers /health/live. */
export async function startServerProcess(volumes: string[], settings: Record<string, string> = {}): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CAIRN|MINIO|RUSTFS)_/.test(k)) env[k] = v;
  Object.assign(env, { CAIRN_ROOT_USER: ACCESS_KEY, CAIRN_ROOT_PASSWORD: SECRET_KEY, CAIRN_LOG_LEVEL: 'silent', ...settings });
  const child = spawn(process.execPath, [CLI, 'server', '--address', '127.0.0.1:0', ...volumes], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  let port = 0;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) during startup:\n${out}`);
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) port = Number(m[1]);
    if (port && (await live(port))) {
      return {
        child,
        port,
        output: () => out,
        async kill9() {
          child.kill('SIGKILL');
          await exited(child);
        },
        async stop() {
          child.kill('SIGTERM');
          await exited(child);
        },
      };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start within 30 s:\n${out}`);
}

/** Polls until `check` holds (or the time is up); returns whether it held. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}
