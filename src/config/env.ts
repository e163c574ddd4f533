/**
 * The environment layer. Each setting has a CAIRN_* name and, where RustFS or
 * MinIO have an equivalent, their names as aliases so an existing deployment's
 * environment carries over. The first non-empty name in each list wins, so
 * CAIRN_* beats the aliases. Empty values count as unset (compose files often
 * write `VAR=` for "not set").
 *
 * Not aliased on purpose: MINIO_CONFIG (MinIO's YAML has a different shape),
 * log-level variables (RustFS's and MinIO's take other values), and
 * MINIO_PROMETHEUS_AUTH_TYPE (a different switch from metricsPublic).
 */
import { parseAddress } from './address.js';
import { checkSetDriveCount, parseParity } from './erasure.js';
import { at, ConfigError, type Origin } from './errors.js';
import {
  checkDomain, checkLogLevel, checkMetricsToken, checkMultipartExpiryMs, checkRegion, checkRequestIdleTimeoutMs, checkRootPassword, checkRootUser,
  checkShutdownTimeoutMs,
} from './schema.js';
import type { Layer, Settings } from './values.js';
import { expandVolumes, splitVolumeList } from './volumes.js';

export const ENV_NAMES = {
  address: ['CAIRN_ADDRESS', 'RUSTFS_ADDRESS', 'MINIO_ADDRESS'],
  region: ['CAIRN_REGION', 'RUSTFS_REGION', 'MINIO_SITE_REGION', 'MINIO_REGION'],
  domains: ['CAIRN_DOMAIN', 'RUSTFS_SERVER_DOMAINS', 'MINIO_DOMAIN'],
  rootUser: ['CAIRN_ROOT_USER', 'RUSTFS_ACCESS_KEY', 'MINIO_ROOT_USER', 'MINIO_ACCESS_KEY'],
  rootPassword: ['CAIRN_ROOT_PASSWORD', 'RUSTFS_SECRET_KEY', 'MINIO_ROOT_PASSWORD', 'MINIO_SECRET_KEY'],
  volumes: ['CAIRN_VOLUMES', 'RUSTFS_VOLUMES', 'MINIO_VOLUMES'],
  logLevel: ['CAIRN_LOG_LEVEL'],
  shutdownTimeoutMs: ['CAIRN_SHUTDOWN_TIMEOUT', 'MINIO_SHUTDOWN_TIMEOUT'],
  requestIdleTimeoutMs: ['CAIRN_REQUEST_IDLE_TIMEOUT'],
  metricsToken: ['CAIRN_METRICS_TOKEN'],
  metricsPublic: ['CAIRN_METRICS_PUBLIC'],
  multipartExpiryMs: ['CAIRN_MULTIPART_EXPIRY'],
  erasureSetDriveCount: ['CAIRN_ERASURE_SET_DRIVE_COUNT', 'RUSTFS_ERASURE_SET_DRIVE_COUNT', 'MINIO_ERASURE_SET_DRIVE_COUNT'],
  storageClassStandard: ['CAIRN_STORAGE_CLASS_STANDARD', 'RUSTFS_STORAGE_CLASS_STANDARD', 'MINIO_STORAGE_CLASS_STANDARD'],
  storageClassRrs: ['CAIRN_STORAGE_CLASS_RRS', 'RUSTFS_STORAGE_CLASS_RRS', 'MINIO_STORAGE_CLASS_RRS'],
} as const satisfies { [K in keyof Settings]?: readonly string[] };

export const CONFIG_FILE_ENV = 'CAIRN_CONFIG';

type EnvSetting = keyof typeof ENV_NAMES;

/** The first set variable among `names`, with its origin. */
export function readEnv(env: NodeJS.ProcessEnv, names: readonly string[]): { text: string; origin: Origin } | undefined {
  for (const name of names) {
    const text = env[name];
    if (text !== undefined && text !== '') return { text, origin: { source: 'env', name } };
  }
  return undefined;
}

const PARSERS: { [K in EnvSetting]: (text: string, cwd: string) => Settings[K] } = {
  address: (text) => parseAddress(text),
  region: (text) => checkRegion(text.trim()),
  domains: (text) => text.split(/[\s,]+/).filter((d) => d !== '').map(checkDomain),
  // Credentials are taken verbatim: trimming could change a secret.
  rootUser: (text) => checkRootUser(text),
  rootPassword: (text) => checkRootPassword(text),
  volumes: (text, cwd) => expandVolumes(splitVolumeList(text), cwd),
  logLevel: (text) => checkLogLevel(text),
  shutdownTimeoutMs: (text) => checkShutdownTimeoutMs(parseDuration(text)),
  requestIdleTimeoutMs: (text) => checkRequestIdleTimeoutMs(parseDuration(text)),
  metricsToken: (text) => checkMetricsToken(text),
  metricsPublic: (text) => parseBoolean(text),
  multipartExpiryMs: (text) => checkMultipartExpiryMs(parseDuration(text)),
  erasureSetDriveCount: (text) => checkSetDriveCount(parseWholeNumber(text)),
  storageClassStandard: (text) => parseParity(text),
  storageClassRrs: (text) => parseParity(text),
};

export function envLayer(env: NodeJS.ProcessEnv, cwd: string): Layer {
  const layer: Layer = {};
  for (const key of Object.keys(ENV_NAMES) as EnvSetting[]) {
    const found = readEnv(env, ENV_NAMES[key]);
    if (found) setParsed(layer, key, found.origin, () => PARSERS[key](found.text, cwd));
  }
  return layer;
}

function setParsed<K extends EnvSetting>(layer: Layer, key: K, origin: Origin, parse: () => Settings[K]): void {
  (layer as Record<K, { value: Settings[K]; origin: Origin }>)[key] = { value: at(origin, parse), origin };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration: `10s`, `500ms`, `1m30s` (MinIO's MINIO_SHUTDOWN_TIMEOUT uses
 * these), `7d`, or a bare whole number of milliseconds, matching the file's
 * shutdownTimeoutMs.
 */
export function parseDuration(text: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^(\d+(ms|s|m|h|d))+$/.test(value)) {
    throw new ConfigError(`"${text}" is not a duration: use milliseconds (10000) or units like 10s, 500ms, 1m30s, 7d`);
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

export function parseWholeNumber(text: string): number {
  const value = text.trim();
  if (!/^\d+$/.test(value)) throw new ConfigError(`"${text}" is not a whole number`);
  return Number(value);
}

/** true/false, also 1/0, yes/no and on/off, any case. */
export function parseBoolean(text: string): boolean {
  const value = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`"${text}" is not a boolean: use true or false`);
}
