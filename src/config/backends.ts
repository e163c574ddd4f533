/**
 * The `backends` map of the config file: name → { type, …type's own keys }.
 * One parser per backend type; each refuses keys it does not know.
 */
import { resolve } from 'node:path';
import { checkErasureGeometry, checkSetDriveCount, parseParity } from './erasure.js';
import { at, invalidSetting, type Origin } from './errors.js';
import { checkBackendName, type BackendConfig, type BackendType, type ErasureBackendConfig } from './schema.js';
import { expectInteger, expectMapping, expectParity, expectString, expectStringList, rejectUnknownKeys } from './values.js';
import { expandVolumes, splitVolumeList } from './volumes.js';

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
  erasure(entry, { originOf, cwd }) {
    rejectUnknownKeys(entry, ['type', 'volumes', 'setDriveCount', 'storageClassStandard', 'storageClassRrs'], originOf);
    if (entry.volumes === undefined) throw invalidSetting(originOf('volumes'), 'missing: an erasure backend needs its drives, like /mnt/disk{1...4}/cairn');
    const volumes = at(originOf('volumes'), () => expandVolumes(expectStringList(entry.volumes, originOf('volumes'), splitVolumeList), cwd));
    const config: ErasureBackendConfig = { type: 'erasure', volumes, parity: {} };
    if (entry.setDriveCount !== undefined) {
      config.setDriveCount = at(originOf('setDriveCount'), () => checkSetDriveCount(expectInteger(entry.setDriveCount, originOf('setDriveCount'))));
    }
    if (entry.storageClassStandard !== undefined) {
      config.parity.STANDARD = at(originOf('storageClassStandard'), () => parseParity(expectParity(entry.storageClassStandard, originOf('storageClassStandard'))));
    }
    if (entry.storageClassRrs !== undefined) {
      config.parity.REDUCED_REDUNDANCY = at(originOf('storageClassRrs'), () => parseParity(expectParity(entry.storageClassRrs, originOf('storageClassRrs'))));
    }
    at(originOf('volumes'), () => checkErasureGeometry(volumes.length, config.setDriveCount, config.parity));
    return config;
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
