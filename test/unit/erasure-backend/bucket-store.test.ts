import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BucketStore } from '../../../src/backends/erasure/bucket-store.js';
import type { Drive, DriveMetaStore } from '../../../src/backends/erasure/drive.js';
import { SqliteDriveMetaStore } from '../../../src/backends/erasure/meta-store.js';
import { isS3Error } from '../../../src/s3/errors.js';
import { tempRoot } from './meta-store-fixtures.js';

/** A drive whose metadata store throws on every call while `offline`. */
interface SwitchableDrive extends Drive {
  offline: boolean;
  store: SqliteDriveMetaStore;
}

function switchableDrive(root: string, position: number): SwitchableDrive {
  const store = new SqliteDriveMetaStore(root);
  const drive = { root, id: `d${position}`, setIndex: 0, position, offline: false, store } as SwitchableDrive;
  const meta = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || name === 'close') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        if (drive.offline) throw new Error('drive offline');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as DriveMetaStore;
  Object.assign(drive, { meta, files: undefined });
  return drive;
}

let drives: SwitchableDrive[];
let store: BucketStore;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const temp = await tempRoot('cairn-buckets-');
  cleanup = temp.cleanup;
  drives = [0, 1, 2, 3].map((p) => switchableDrive(`${temp.dir}/d${p}`, p));
  store = new BucketStore(drives);
});

afterEach(async () => {
  for (const drive of drives) drive.store.close();
  await cleanup();
});

async function errorCode(work: () => unknown): Promise<string | undefined> {
  try {
    await work();
  } catch (err) {
    if (isS3Error(err)) return err.code;
    throw err;
  }
  return undefined;
}

describe('erasure bucket store (4 drives: write quorum 3, read quorum 2)', () => {
  it('creates a bucket on every drive and answers from any two', async () => {
    await store.create('photos', 'eu-west-1');
    for (const drive of drives) expect(drive.store.getBucket('photos')?.region).toBe('eu-west-1');
    drives[0].offline = true;
    drives[1].offline = true;
    expect(store.head('photos').region).toBe('eu-west-1');
    expect(store.list().map((b) => b.name)).toEqual(['photos']);
    drives[2].offline = true;
    expect(await errorCode(() => store.head('photos'))).toBe('SlowDown');
  });

  it('refuses a create below write quorum (SlowDown) and leaves no half bucket', async () => {
    drives[0].offline = true;
    drives[1].offline = true;
    expect(await errorCode(() => store.create('half', 'us-east-1'))).toBe('SlowDown');
    drives[0].offline = false;
    drives[1].offline = false;
    expect(await errorCode(() => store.head('half'))).toBe('NoSuchBucket');
  });

  it('a record on fewer than ceil(N/2) drives is no bucket', async () => {
    await drives[3].store.putBucket({ name: 'leftover', createdMs: 1, region: 'us-east-1' });
    expect(await errorCode(() => store.head('leftover'))).toBe('NoSuchBucket');
    expect(store.list()).toEqual([]);
  });

  it('serves the newest config, ignoring configs older than the bucket (a drive that missed a delete)', async () => {
    await store.create('cfg', 'us-east-1');
    await store.putConfig('cfg', 'policy', 'v1');
    drives[3].offline = true;
    await store.putConfig('cfg', 'policy', 'v2');
    drives[3].offline = false;
    expect(store.getConfig('cfg', 'policy')).toBe('v2');
    await store.putConfig('cfg', 'policy', undefined);
    expect(store.getConfig('cfg', 'policy')).toBeUndefined();

    await drives[0].store.putBucketConfig('cfg', 'cors', { doc: 'from an earlier bucket', modifiedMs: 1 });
    expect(store.getConfig('cfg', 'cors')).toBeUndefined();
  });

  it('deletes a bucket only when the emptiness check passes', async () => {
    await store.create('gone', 'us-east-1');
    await expect(store.delete('gone', () => Promise.reject(new Error('not empty')))).rejects.toThrow('not empty');
    expect(store.head('gone').name).toBe('gone');
    await store.delete('gone', () => Promise.resolve());
    expect(await errorCode(() => store.head('gone'))).toBe('NoSuchBucket');
    for (const drive of drives) expect(drive.store.getBucket('gone')).toBeUndefined();
  });
});
