/**
 * The `backends` map of the config file: name → { type, …type's own keys }.
 * One parser per backend type; each refuses keys it does not know.
 */
import { resolve } from 'node:path';
import { at, invalidSetting, type Origin } from './errors.js';
import { checkBackendName, type BackendConfig, type BackendType } from './schema.js';
import { expectMapping, expectString, rejectUnknownKeys } from './values.js';

type Entry = Record<string, unknown>;
type ParseContext = { originOf: (key: string) => Origin; cwd: string };

/** Keyed by every BackendType, so adding a type to the union fails to compile until it has a parser here. */
const BACKEND_PARSERS: { [T in BackendType]: (entry: Entry, ctx: ParseContext) => Extract<BackendConfig, { type: T }> } = {
  local(entry, { originOf, cwd }) {
    rejectUnknownKeys(entry, ['type', 'root'], originOf);
    if (entry.root === undefined) throw invalidSetting(originOf('root'), 'missing: a local backend needs the directory it serves');
    const root = expectString(entry.root, originOf('root'));
    if (root.trim() === '') throw invalidSetting(originOf('root'), 'must not be empty');
    return { type: 'local', root: resolve(cwd, root) };
  },
};

const BACKEND_TYPES = Object.keys(BACKEND_PARSERS) as BackendType[];

function isBackendType(value: string): value is BackendType {
  return (BACKEND_TYPES as string[]).includes(value);
}

/** `origin` names the `backends` key itself; entries are named `backends.<name>.<key>`. */
export function parseBackends(value: unknown, origin: Origin, cwd: string): Record<string, BackendConfig> {
  const map = expectMapping(value, origin);
  const names = Object.keys(map);
  if (names.length === 0) throw invalidSetting(origin, 'is empty; remove it to use the default backend over the volumes');
  const backends: Record<string, BackendConfig> = {};
  for (const name of names) {
    const entryOrigin: Origin = { ...origin, name: `${origin.name}.${name}` };
    at(entryOrigin, () => checkBackendName(name));
    const entry = expectMapping(map[name], entryOrigin);
    const originOf = (key: string): Origin => ({ ...origin, name: `${entryOrigin.name}.${key}` });
    if (entry.type === undefined) throw invalidSetting(originOf('type'), `missing: one of ${BACKEND_TYPES.join(', ')}`);
    const type = expectString(entry.type, originOf('type'));
    if (!isBackendType(type)) throw invalidSetting(originOf('type'), `unknown backend type "${type}": expected one of ${BACKEND_TYPES.join(', ')}`);
    backends[name] = BACKEND_PARSERS[type](entry, { originOf, cwd });
  }
  return backends;
}
