import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of the worker module `name` that sits beside the calling module
 * (`callerUrl`: its import.meta.url). Production runs dist/src/<dir>/*.js,
 * with the worker's .js beside it. Tests run the sources through vitest, and
 * a worker thread cannot load .ts: there the built dist/src/<dir>/<name>.js is
 * used, which is why package.json's "test" script builds before vitest.
 */
export function workerFileBeside(callerUrl: string, name: string): string {
  const here = new URL(callerUrl);
  const dir = here.pathname.split('/').at(-2);
  const url = here.pathname.endsWith('.ts') ? new URL(`../../dist/src/${dir}/${name}.js`, here) : new URL(`./${name}.js`, here);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new Error(`worker ${path} is missing: run \`npm run build\` first`);
  return path;
}
