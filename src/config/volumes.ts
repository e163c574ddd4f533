/**
 * Volume lists as MinIO and RustFS accept them: several paths separated by
 * spaces or commas, each possibly holding `{START...END}` ranges that expand
 * to one path per number (`/data/d{1...4}` → /data/d1 … /data/d4). Errors are
 * origin-less ConfigErrors; the loader names the setting.
 */
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';

/** Far above any real drive count; stops `{1...99999999}` from eating memory. */
export const MAX_VOLUMES = 4096;

const RANGE = /^\{(\d+)\.\.\.(\d+)\}$/;

/** Splits a CAIRN_VOLUMES-style string on whitespace and commas. */
export function splitVolumeList(text: string): string[] {
  return text.split(/[\s,]+/).filter((part) => part !== '');
}

/**
 * Expands every `{START...END}` in one pattern. Several ranges form a
 * cartesian product in reading order: the leftmost range varies slowest.
 * A bound written with a leading zero pads every number to the wider bound's
 * width (`{01...16}` → 01 … 16). Any brace that is not a well-formed range is
 * an error rather than a literal, so a typo like `{1..4}` cannot silently
 * become a directory of that name.
 */
export function expandEllipsis(pattern: string): string[] {
  const pieces = pattern.split(/(\{[^{}]*\})/);
  let results = [''];
  for (const piece of pieces) {
    if (piece === '') continue;
    if (!piece.startsWith('{')) {
      if (/[{}]/.test(piece)) throw new ConfigError(`unbalanced brace in "${pattern}": ranges look like {1...4}`);
      results = results.map((prefix) => prefix + piece);
      continue;
    }
    const values = expandRange(piece, pattern);
    if (results.length * values.length > MAX_VOLUMES) {
      throw new ConfigError(`"${pattern}" expands to more than ${MAX_VOLUMES} volumes`);
    }
    results = results.flatMap((prefix) => values.map((value) => prefix + value));
  }
  return results;
}

function expandRange(range: string, pattern: string): string[] {
  const match = RANGE.exec(range);
  if (!match) {
    throw new ConfigError(`malformed range ${range} in "${pattern}": expected {START...END} with whole numbers, like {1...4}`);
  }
  const [, startText, endText] = match;
  const start = Number(startText);
  const end = Number(endText);
  if (start > end) throw new ConfigError(`range ${range} in "${pattern}" runs backwards: ${startText} is greater than ${endText}`);
  if (end - start + 1 > MAX_VOLUMES) throw new ConfigError(`"${pattern}" expands to more than ${MAX_VOLUMES} volumes`);
  const padded = /^0\d/.test(startText) || /^0\d/.test(endText);
  const width = padded ? Math.max(startText.length, endText.length) : 0;
  const values: string[] = [];
  for (let n = start; n <= end; n++) values.push(String(n).padStart(width, '0'));
  return values;
}

/**
 * Expands every pattern and resolves relative paths against cwd. URLs
 * (`http://host{1...4}/data`) are refused: cairn runs on one node. The same
 * directory twice is refused: as two drives of one erasure set it would
 * hold two shards of every object, so losing it would lose both.
 */
export function expandVolumes(patterns: readonly string[], cwd: string): string[] {
  if (patterns.length === 0) throw new ConfigError('no volume given: name at least one directory');
  const volumes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.trim() === '') throw new ConfigError('a volume path is empty');
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(pattern)) {
      throw new ConfigError(`"${pattern}" is a URL; cairn runs on one node, so volumes are local directory paths`);
    }
    for (const path of expandEllipsis(pattern)) volumes.push(resolve(cwd, path));
  }
  if (volumes.length > MAX_VOLUMES) throw new ConfigError(`${volumes.length} volumes given; at most ${MAX_VOLUMES} are supported`);
  const seen = new Set<string>();
  for (const volume of volumes) {
    if (seen.has(volume)) throw new ConfigError(`volume ${volume} is listed more than once`);
    seen.add(volume);
  }
  return volumes;
}
