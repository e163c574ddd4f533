import { run, type RunResult } from './run.js';

/**
 * Helpers for driving third-party client programs (aws cli, rclone, s3cmd)
 * from the end-to-end tests. A missing program is a failure with a clear
 * message, never a skip: .ci/run installs them.
 */

/** Fails (throws) unless `command` runs; returns its version output. */
export async function requireTool(command: string, versionArgs: string[] = ['--version'], env?: NodeJS.ProcessEnv): Promise<string> {
  let result: RunResult;
  try {
    result = await run(command, versionArgs, { env, timeoutMs: 60_000 });
  } catch (error) {
    throw new Error(
      `${command} is not installed or cannot be started (${(error as Error).message}); ` +
        `these tests need it: .ci/run installs it (apt-get install -y ${command})`,
    );
  }
  if (result.code !== 0) throw new Error(`${command} ${versionArgs.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return (result.stdout + result.stderr).trim();
}

/** Runs a command and throws with its exit code, stdout and stderr unless it exits 0. */
export async function runOk(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
  return result;
}

/** `env` without the named variables. */
export function withoutEnv(env: NodeJS.ProcessEnv, ...names: string[]): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of names) delete copy[name];
  return copy;
}
