/**
 * Typed readers for values from the YAML config file, plus the merge layer
 * shape every source produces. YAML guesses types (`rootPassword: 12345678`
 * is a number, `01234` loses its zero), so string settings must be strings:
 * we ask for quotes rather than convert and risk changing the value.
 */
import type { ListenAddress } from './address.js';
import { invalidSetting, type Origin } from './errors.js';
import type { BackendConfig, LogLevel } from './schema.js';

/** Every setting a source can supply, already parsed and checked on its own. */
export interface Settings {
  address: ListenAddress;
  region: string;
  domains: string[];
  rootUser: string;
  rootPassword: string;
  volumes: string[];
  backends: Record<string, BackendConfig>;
  defaultBackend: string;
  bucketRoutes: Record<string, string>;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  maxXmlBodyBytes: number;
  requestIdleTimeoutMs: number;
  metricsToken: string;
  metricsPublic: boolean;
  multipartExpiryMs: number;
  /** Erasure knobs for the default backend derived from the volumes. */
  erasureSetDriveCount: number;
  /** Parity drive counts (from EC:n). */
  storageClassStandard: number;
  storageClassRrs: number;
}

export interface Sourced<T> {
  value: T;
  origin: Origin;
}

/** What one source (flags, env, file) supplies; absent keys fall through to the next source. */
export type Layer = { [K in keyof Settings]?: Sourced<Settings[K]> };

export function typeName(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

export function expectString(value: unknown, origin: Origin): string {
  if (typeof value === 'string') return value;
  const hint = typeof value === 'number' || typeof value === 'boolean' ? ' (put it in quotes)' : '';
  throw invalidSetting(origin, `expected a string, got ${typeName(value)}${hint}`);
}

export function expectInteger(value: unknown, origin: Origin): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw invalidSetting(origin, `expected a whole number, got ${typeName(value)}${typeof value === 'string' ? ` "${value}"` : ''}`);
}

/** `EC:n` as a string, or the bare number n. */
export function expectParity(value: unknown, origin: Origin): string | number {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return value;
  throw invalidSetting(origin, `expected EC:n (like EC:2), got ${typeName(value)}`);
}

export function expectBoolean(value: unknown, origin: Origin): boolean {
  if (typeof value === 'boolean') return value;
  throw invalidSetting(origin, `expected true or false, got ${typeName(value)}${typeof value === 'string' ? ` "${value}"` : ''}`);
}

/** A list of strings, or one string split on whitespace and commas. */
export function expectStringList(value: unknown, origin: Origin, split: (text: string) => string[]): string[] {
  if (typeof value === 'string') return split(value);
  if (Array.isArray(value)) return value.map((item, i) => expectString(item, { ...origin, name: `${origin.name}[${i}]` }));
  throw invalidSetting(origin, `expected a list or a string, got ${typeName(value)}`);
}

export function expectMapping(value: unknown, origin: Origin): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw invalidSetting(origin, `expected a mapping (key: value lines), got ${typeName(value)}`);
}

/** Refuses keys outside `known`, suggesting the nearest one: typos must not be silently ignored. */
export function rejectUnknownKeys(map: Record<string, unknown>, known: readonly string[], originOf: (key: string) => Origin): void {
  for (const key of Object.keys(map)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
    const hint = near ? `did you mean ${near}?` : `known keys are ${known.join(', ')}`;
    throw invalidSetting(originOf(key), `unknown key; ${hint}`);
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
