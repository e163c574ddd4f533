/**
 * The config file layer: YAML with camelCase keys matching CairnConfig.
 * Unknown keys are errors, so a typo cannot silently leave a default in force.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { parseAddress } from './address.js';
import { parseBackends } from './backends.js';
import { checkSetDriveCount, parseParity } from './erasure.js';
import { at, ConfigError, invalidSetting, type Origin } from './errors.js';
import {
  checkBackendName, checkBucketName, checkDomain, checkLogLevel, checkMaxXmlBodyBytes, checkMetricsToken, checkMultipartExpiryMs, checkRegion,
  checkRequestIdleTimeoutMs, checkRootPassword, checkRootUser, checkShutdownTimeoutMs,
} from './schema.js';
import {
  expectBoolean, expectInteger, expectMapping, expectParity, expectString, expectStringList, rejectUnknownKeys, type Layer, type Settings,
} from './values.js';
import { parseDuration } from './env.js';
import { expandVolumes, splitVolumeList } from './volumes.js';

const splitDomains = (text: string): string[] => text.split(/[\s,]+/).filter((d) => d !== '');

/** One reader per file key: the key set here is the file's whole vocabulary. */
const FILE_KEYS: { [K in keyof Settings]: (value: unknown, origin: Origin, cwd: string) => Settings[K] } = {
  address: (v, o) => at(o, () => parseAddress(expectString(v, o))),
  region: (v, o) => at(o, () => checkRegion(expectString(v, o))),
  domains: (v, o) => at(o, () => expectStringList(v, o, splitDomains).map(checkDomain)),
  rootUser: (v, o) => at(o, () => checkRootUser(expectString(v, o))),
  rootPassword: (v, o) => at(o, () => checkRootPassword(expectString(v, o))),
  volumes: (v, o, cwd) => at(o, () => expandVolumes(expectStringList(v, o, splitVolumeList), cwd)),
  backends: (v, o, cwd) => parseBackends(v, o, cwd),
  defaultBackend: (v, o) => at(o, () => checkBackendName(expectString(v, o))),
  bucketRoutes: (v, o) => parseBucketRoutes(v, o),
  logLevel: (v, o) => at(o, () => checkLogLevel(expectString(v, o))),
  shutdownTimeoutMs: (v, o) => at(o, () => checkShutdownTimeoutMs(expectInteger(v, o))),
  maxXmlBodyBytes: (v, o) => at(o, () => checkMaxXmlBodyBytes(expectInteger(v, o))),
  requestIdleTimeoutMs: (v, o) => at(o, () => checkRequestIdleTimeoutMs(expectInteger(v, o))),
  metricsToken: (v, o) => at(o, () => checkMetricsToken(expectString(v, o))),
  metricsPublic: (v, o) => expectBoolean(v, o),
  // Milliseconds like the other *Ms keys, or a duration string such as "7d".
  multipartExpiryMs: (v, o) => at(o, () => checkMultipartExpiryMs(typeof v === 'string' ? parseDuration(v) : expectInteger(v, o))),
  erasureSetDriveCount: (v, o) => at(o, () => checkSetDriveCount(expectInteger(v, o))),
  storageClassStandard: (v, o) => at(o, () => parseParity(expectParity(v, o))),
  storageClassRrs: (v, o) => at(o, () => parseParity(expectParity(v, o))),
};

export const FILE_KEY_NAMES = Object.keys(FILE_KEYS) as (keyof Settings)[];

function parseBucketRoutes(value: unknown, origin: Origin): Record<string, string> {
  const map = expectMapping(value, origin);
  const routes: Record<string, string> = {};
  for (const [bucket, backend] of Object.entries(map)) {
    const routeOrigin: Origin = { ...origin, name: `${origin.name}.${bucket}` };
    at(routeOrigin, () => checkBucketName(bucket));
    routes[bucket] = at(routeOrigin, () => checkBackendName(expectString(backend, routeOrigin)));
  }
  return routes;
}

/**
 * Reads and parses the file at `path` (absolute). `via` names the flag or
 * variable that pointed at it, for errors about the file as a whole.
 */
export function fileLayer(path: string, via: Origin, cwd: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? String(err);
    throw invalidSetting(via, `cannot read config file ${path}: ${reason}`);
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The first line holds message and position; later lines are a code frame
    // that could quote a password, so they are dropped.
    const first = doc.errors[0].message.split('\n')[0].replace(/:$/, '');
    throw new ConfigError(`invalid config file ${path}: ${first}`, via);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {}; // an empty or all-comment file sets nothing
  const originOf = (name: string): Origin => ({ source: 'file', name, file: path });
  const map = at(via, () => {
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw new ConfigError(`config file ${path} must hold a mapping of settings (key: value lines)`);
    }
    return data as Record<string, unknown>;
  });
  rejectUnknownKeys(map, FILE_KEY_NAMES, originOf);
  const layer: Layer = {};
  for (const key of FILE_KEY_NAMES) {
    if (!(key in map)) continue;
    const origin = originOf(key);
    if (map[key] === null) throw invalidSetting(origin, 'has no value; remove the key to use the default');
    setFromFile(layer, key, map[key], origin, cwd);
  }
  return layer;
}

function setFromFile<K extends keyof Settings>(layer: Layer, key: K, value: unknown, origin: Origin, cwd: string): void {
  (layer as Record<K, { value: Settings[K]; origin: Origin }>)[key] = { value: FILE_KEYS[key](value, origin, cwd), origin };
}
