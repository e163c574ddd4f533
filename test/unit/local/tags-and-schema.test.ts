import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src/backends/local/local-backend.js';
import { md5Hex } from '../../conformance/body.js';
import { expectS3Error, meta, putBytes } from '../../conformance/harness.js';
import { openLocal, type LocalFixture } from './fixture.js';

describe('local backend: tags on files other programs wrote', () => {
  let fx: LocalFixture;
  beforeEach(async () => {
    fx = await openLocal();
    await fx.backend.createBucket('shared', { region: 'us-east-1' });
  });
  afterEach(async () => fx.cleanup());

  it('tags a foreign file by giving it a row of its own; the file stays untouched', async () => {
    const file = path.join(fx.root, 'shared', 'dropped.txt');
    await writeFile(file, 'from elsewhere');
    const before = await stat(file, { bigint: true });
    const tagged = await fx.backend.updateObjectMeta('shared', 'dropped.txt', { tags: [{ key: 'k', value: 'v' }] });
    expect(tagged.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(tagged.etag).toBe(md5Hex('from elsewhere'));
    const after = await stat(file, { bigint: true });
    expect(after.mtimeNs).toBe(before.mtimeNs);
    await fx.reopen();
    const head = await fx.backend.headObject('shared', 'dropped.txt', {});
    expect(head.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(head.meta).toEqual(meta());
  });

  it('a tagged file changed by another program is a new object without tags', async () => {
    await putBytes(fx.backend, 'shared', 'doc', 'original', { tags: [{ key: 'k', value: 'v' }] });
    const file = path.join(fx.root, 'shared', 'doc');
    await writeFile(file, 'edited by hand');
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const head = await fx.backend.headObject('shared', 'doc', {});
    expect(head.etag).toBe(md5Hex('edited by hand'));
    expect(head.tags).toBeUndefined();
  });

  it('answers NoSuchKey for a key the file system cannot hold, and for a directory that is only a prefix', async () => {
    await expectS3Error(fx.backend.updateObjectMeta('shared', 'a//b', { tags: [] }), 'NoSuchKey', 404);
    await mkdir(path.join(fx.root, 'shared', 'just-a-dir'));
    await expectS3Error(fx.backend.updateObjectMeta('shared', 'just-a-dir', { tags: [] }), 'NoSuchKey', 404);
    await expectS3Error(fx.backend.updateObjectMeta('shared', 'just-a-dir/', { tags: [] }), 'NoSuchKey', 404);
  });
});

/** The version-1 sidecar, as cairn wrote it before tags and multipart. */
const V1_SCHEMA = `
CREATE TABLE buckets (name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, region TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE bucket_configs (bucket TEXT NOT NULL, kind TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (bucket, kind)) WITHOUT ROWID;
CREATE TABLE objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, last_modified_ms INTEGER NOT NULL,
  etag TEXT NOT NULL, content_type TEXT, content_encoding TEXT, content_disposition TEXT, content_language TEXT,
  cache_control TEXT, expires TEXT, user_metadata TEXT NOT NULL DEFAULT '{}', storage_class TEXT NOT NULL DEFAULT 'STANDARD',
  checksums TEXT NOT NULL DEFAULT '{}', checksum_type TEXT, written_by_cairn INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
`;

describe('local backend: sidecar schema migration', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'cairn-local-schema-'));
  });
  afterEach(async () => rm(base, { recursive: true, force: true }));

  it('upgrades a version-1 sidecar in place, keeping its rows', async () => {
    const root = path.join(base, 'root');
    await mkdir(path.join(root, '.cairn'), { recursive: true });
    await mkdir(path.join(root, 'old'));
    const file = path.join(root, 'old', 'obj');
    await writeFile(file, 'written by cairn v1');
    const st = await stat(file, { bigint: true });
    const db = new Database(path.join(root, '.cairn', 'meta.db'));
    db.exec(V1_SCHEMA);
    db.prepare('INSERT INTO buckets VALUES (?, ?, ?)').run('old', 1_700_000_000_000, 'eu-central-1');
    db.prepare(
      `INSERT INTO objects (bucket, key, size, mtime_ns, last_modified_ms, etag, content_type, user_metadata, checksums)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run('old', 'obj', Number(st.size), st.mtimeNs, Number(st.mtimeNs / 1_000_000n), 'cafe'.repeat(8), 'text/x-old', '{"v":"1"}', '{}');
    db.close();

    const backend = LocalBackend.open({ root });
    try {
      expect((await backend.headBucket('old')).region).toBe('eu-central-1');
      const head = await backend.headObject('old', 'obj', {});
      expect(head.etag).toBe('cafe'.repeat(8));
      expect(head.meta).toEqual(meta({ contentType: 'text/x-old', userMetadata: { v: '1' } }));
      expect(head.tags).toBeUndefined();
      expect(head.parts).toBeUndefined();
      const tagged = await backend.updateObjectMeta('old', 'obj', { tags: [{ key: 'new', value: 'column' }] });
      expect(tagged.tags).toEqual([{ key: 'new', value: 'column' }]);
      expect(await backend.listMultipartUploads('old')).toEqual([]);
    } finally {
      await backend.close();
    }
    const check = new Database(path.join(root, '.cairn', 'meta.db'), { readonly: true });
    expect(check.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: 2 }]);
    check.close();
  });

  it('refuses a sidecar from a newer cairn', async () => {
    const root = path.join(base, 'root');
    await mkdir(path.join(root, '.cairn'), { recursive: true });
    const db = new Database(path.join(root, '.cairn', 'meta.db'));
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99);');
    db.close();
    expect(() => LocalBackend.open({ root })).toThrow(/schema version 99/);
  });
});
