/**
 * How records (records.ts) become database rows and back, with the CRC32s
 * that detect a corrupted row (meta-schema.ts).
 *
 * A record is stored as UTF-8 JSON; inline shard bytes (StoredPart.inline)
 * are cut out of the JSON (each part keeps `inlineLength`) and stored
 * concatenated in the row's inline_data blob, so they are never base64'd.
 * `crc` = CRC32 over the JSON bytes then the inline bytes. Object rows also
 * carry listing columns with `list_hash` (FNV-1a) over them, so a listing
 * verifies each row without reading the record. The JSON repeats the row's identity
 * (bucket, key, upload id, part number), so a corrupted key column, or an
 * object row pointing at another object's body, is caught as a mismatch.
 */
import { crc32 } from 'node:zlib';
import { CorruptRecordError } from './drive.js';
import type { ObjectListingEntry, ObjectRecord, PartRecord, StoredPart } from './records.js';

export interface SealedRow {
  record: Buffer;
  inline: Buffer | null;
  crc: number;
}

/** The listing columns of an object row, as stored. */
export interface ListingColumns {
  key: string;
  data_id: string;
  size: number;
  etag: string;
  last_modified_ms: number;
  storage_class: string;
  data_shards: number;
  list_hash: number;
}

type StoredPartJson = Omit<StoredPart, 'inline'> & { inlineLength?: number };

/** A listing row as the listing statements return it (.raw(): the LISTING_COLUMNS in order). */
export type ListingTuple = [key: string, dataId: string, size: number, etag: string, lastModifiedMs: number, storageClass: string, dataShards: number, listHash: number];

/**
 * FNV-1a (32-bit) over the listing columns: every listed row is checked, so
 * this must be cheap; it is several times faster than zlib's crc32 on a
 * template string here, and, each step being a bijection of the state, still
 * catches every single changed character or bit.
 */
function listingHash(key: string, dataId: string, size: number, etag: string, lastModifiedMs: number, storageClass: string, dataShards: number): number {
  let h = hashString(0x811c9dc5, key);
  h = hashString(h, dataId);
  h = hashNumber(h, size);
  h = hashString(h, etag);
  h = hashNumber(h, lastModifiedMs);
  h = hashString(h, storageClass);
  return hashNumber(h, dataShards) >>> 0;
}

const FNV_PRIME = 16777619;

function hashString(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  // A terminator outside UTF-16 code units' use as text, so field boundaries count.
  return Math.imul(h ^ 0xffff, FNV_PRIME);
}

/** A non-negative integer below 2^53, as its low and high 32-bit words. */
function hashNumber(h: number, value: number): number {
  h = Math.imul(h ^ (value >>> 0), FNV_PRIME);
  return Math.imul(h ^ (Math.floor(value / 0x100000000) >>> 0), FNV_PRIME);
}

function columnsHash(c: Omit<ListingColumns, 'list_hash'>): number {
  return listingHash(c.key, c.data_id, c.size, c.etag, c.last_modified_ms, c.storage_class, c.data_shards);
}

export function listingColumns(record: ObjectRecord): ListingColumns {
  const columns = {
    key: record.key,
    data_id: record.dataId,
    size: record.size,
    etag: record.etag,
    last_modified_ms: record.lastModifiedMs,
    storage_class: record.meta.storageClass,
    data_shards: record.layout.dataShards,
  };
  return { ...columns, list_hash: columnsHash(columns) };
}

/** The listing entry of a row, or undefined when its columns fail their hash. */
export function listingEntry(row: ListingTuple): ObjectListingEntry | undefined {
  const [key, dataId, size, etag, lastModifiedMs, storageClass, dataShards, listHash] = row;
  if (listingHash(key, dataId, size, etag, lastModifiedMs, storageClass, dataShards) !== listHash) return undefined;
  return { key, dataId, size, etag, lastModifiedMs, storageClass: storageClass as ObjectListingEntry['storageClass'], dataShards };
}

/** A record without inline bytes (bucket, config, upload). */
export function sealJson(value: unknown): SealedRow {
  const record = Buffer.from(JSON.stringify(value));
  return { record, inline: null, crc: crc32(record) };
}

export function sealObject(record: ObjectRecord): SealedRow {
  return sealWithParts(record, record.parts, (parts) => ({ ...record, parts }));
}

export function sealPart(record: PartRecord): SealedRow {
  return sealWithParts(record, [record.part], ([part]) => ({ ...record, part }));
}

function sealWithParts(value: unknown, parts: StoredPart[], rebuild: (parts: StoredPartJson[]) => unknown): SealedRow {
  const inlines: Buffer[] = [];
  const stripped = parts.map((part): StoredPartJson => {
    if (part.inline === undefined) return part;
    const { inline, ...rest } = part;
    inlines.push(inline);
    return { ...rest, inlineLength: inline.length };
  });
  const record = Buffer.from(JSON.stringify(inlines.length > 0 ? rebuild(stripped) : value));
  const inline = inlines.length > 0 ? Buffer.concat(inlines) : null;
  return { record, inline, crc: inline === null ? crc32(record) : crc32(inline, crc32(record)) };
}

/** Parses a sealed row, checking its CRC; `what` names the row in the error. */
export function openJson<T>(row: { record: Buffer; crc: number }, what: string, drive: string): T {
  if (crc32(row.record) !== row.crc) throw new CorruptRecordError(what, drive);
  return parse<T>(row.record, what, drive);
}

/** Opens an object row joined with its body (body columns null when the body is missing). */
export function openObject(row: ListingColumns & { record: Buffer | null; inline_data: Buffer | null; crc: number | null }, bucket: string, drive: string): ObjectRecord {
  const what = `object ${bucket}/${row.key}`;
  if (columnsHash(row) !== row.list_hash || row.record === null || row.crc === null) throw new CorruptRecordError(what, drive);
  const stored = openWithInline<ObjectRecord & { parts: StoredPartJson[] }>({ record: row.record, inline_data: row.inline_data, crc: row.crc }, what, drive);
  const record: ObjectRecord = { ...stored, parts: restoreInline(stored.parts, row.inline_data, what, drive) };
  if (record.bucket !== bucket || !recordMatchesColumns(record, row)) throw new CorruptRecordError(what, drive);
  return record;
}

/** The record says what its (hash-verified) listing columns say: the row and its body belong together. */
function recordMatchesColumns(record: ObjectRecord, row: ListingColumns): boolean {
  return (
    record.key === row.key &&
    record.dataId === row.data_id &&
    record.size === row.size &&
    record.etag === row.etag &&
    record.lastModifiedMs === row.last_modified_ms &&
    record.meta.storageClass === row.storage_class &&
    record.layout.dataShards === row.data_shards
  );
}

export function openPart(row: { record: Buffer; inline_data: Buffer | null; crc: number }, uploadId: string, partNumber: number, drive: string): PartRecord {
  const what = `part ${partNumber} of upload ${uploadId}`;
  const stored = openWithInline<PartRecord & { part: StoredPartJson }>(row, what, drive);
  const [part] = restoreInline([stored.part], row.inline_data, what, drive);
  if (stored.uploadId !== uploadId || part.partNumber !== partNumber) throw new CorruptRecordError(what, drive);
  return { ...stored, part };
}

function openWithInline<T>(row: { record: Buffer; inline_data: Buffer | null; crc: number }, what: string, drive: string): T {
  const crc = row.inline_data === null ? crc32(row.record) : crc32(row.inline_data, crc32(row.record));
  if (crc !== row.crc) throw new CorruptRecordError(what, drive);
  return parse<T>(row.record, what, drive);
}

function restoreInline(parts: StoredPartJson[], inline: Buffer | null, what: string, drive: string): StoredPart[] {
  let offset = 0;
  const restored = parts.map((stored): StoredPart => {
    if (stored.inlineLength === undefined) return stored;
    const { inlineLength, ...part } = stored;
    if (inline === null || offset + inlineLength > inline.length) throw new CorruptRecordError(what, drive);
    // better-sqlite3 returns a fresh Buffer per row: a view into it aliases nothing else.
    const bytes = inline.subarray(offset, offset + inlineLength);
    offset += inlineLength;
    return { ...part, inline: bytes };
  });
  if (offset !== (inline?.length ?? 0)) throw new CorruptRecordError(what, drive);
  return restored;
}

function parse<T>(bytes: Buffer, what: string, drive: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new CorruptRecordError(what, drive);
  }
}
