/**
 * The two servers under test run as child processes, so neither competes with
 * the load generator for the parent's event loop.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export interface ServerChild {
  name: string;
  port: number;
  /** The child's process id (for /proc readings such as peak memory). */
  pid: number | undefined;
  /** The tail of the child's stdout and stderr, for error messages. */
  output(): string;
  /** CPU seconds (user + system, all threads) the child has used so far; NaN where /proc is missing. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_TAIL = 8 * 1024;

/** An ephemeral port that was free a moment ago (the child binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(name: string, script: URL, args: string[], env: NodeJS.ProcessEnv) {
  const proc = spawn(process.execPath, [fileURLToPath(script), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child: ServerChild = {
    name,
    port: 0,
    pid: proc.pid,
    output: () => tail,
    cpuSeconds: () => procCpuSeconds(proc.pid),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
  return { proc, child };
}

/** Clock ticks per second for /proc times; 100 on every mainstream Linux build. */
let clockTicks: number | undefined;

function procCpuSeconds(pid: number | undefined): number {
  if (pid === undefined || process.platform !== 'linux') return NaN;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return NaN;
  }
}

function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health/live', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** The environment without any setting that could reconfigure cairn behind the bench's back. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CAIRN|MINIO|RUSTFS)_/.test(k)) env[k] = v;
  return env;
}

/**
 * The process settings cairn is deployed with (the Dockerfile sets the same),
 * so the bench measures that server. They cannot be applied from inside: libuv
 * and glibc read them at startup.
 * - UV_THREADPOOL_SIZE=16: shard writes, fsyncs and renames of every drive run
 *   on libuv's pool, 4 threads by default; commits' fsyncs held them and
 *   stalled other uploads' writes (16 MiB PUT ×4 over 6 drives: median 102 →
 *   127 MB/s in an A/B on this machine).
 * - MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_: glibc serves buffers of
 *   128 KiB and up from fresh mmaps and unmaps them when freed, so every read
 *   buffer touched new pages (slow on VMs); from the heap they stay warm
 *   (16 MiB GET ×4: server CPU 5–8.7 → 3.0–3.6 ms per MB, throughput about
 *   doubled). Cost: ~35 MB more peak RSS in the rss group, still under target.
 */
export const SERVER_PROCESS_ENV: Record<string, string> = {
  UV_THREADPOOL_SIZE: '16',
  MALLOC_MMAP_THRESHOLD_: String(64 << 20),
  MALLOC_TRIM_THRESHOLD_: String(256 << 20),
};

/**
 * `cairn server` from dist/src/cli.js on one volume or several (the erasure
 * store), with `settings` (CAIRN_* variables) on top of the bench's own;
 * resolves once /health/live answers 200.
 */
export async function startCairnChild(volumes: string | string[], user: string, password: string, settings: Record<string, string> = {}): Promise<ServerChild> {
  const port = await freePort();
  const env = { ...cleanEnv(), ...SERVER_PROCESS_ENV, CAIRN_ROOT_USER: user, CAIRN_ROOT_PASSWORD: password, CAIRN_LOG_LEVEL: 'silent', ...settings };
  const cli = new URL('../src/cli.js', import.meta.url);
  const { proc, child } = launch('cairn', cli, ['server', '--address', `127.0.0.1:${port}`, ...[volumes].flat()], env);
  child.port = port;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited(proc)) throw new Error(`cairn exited during startup (code ${proc.exitCode}):\n${child.output()}`);
    if ((await healthStatus(port)) === 200) return child;
    await sleep(100);
  }
  await child.stop();
  throw new Error(`cairn did not answer /health/live within ${STARTUP_TIMEOUT_MS} ms:\n${child.output()}`);
}

/** bench/ceiling-server.js; it picks its own port and prints it. */
export async function startCeilingChild(dataDir: string): Promise<ServerChild> {
  const { proc, child } = launch('ceiling', new URL('./ceiling-server.js', import.meta.url), [dataDir], cleanEnv());
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const match = /\{"port":(\d+)\}/.exec(child.output());
    if (match) {
      child.port = Number(match[1]);
      return child;
    }
    if (hasExited(proc)) throw new Error(`ceiling server exited during startup:\n${child.output()}`);
    await sleep(50);
  }
  await child.stop();
  throw new Error(`ceiling server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${child.output()}`);
}
