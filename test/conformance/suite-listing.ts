import { beforeEach, describe, expect, it } from 'vitest';
import type { ListObjectsOptions, ListObjectsResult } from '../../src/backends/backend.js';
import { putBytes, type SuiteContext } from './harness.js';
import { compareKeys, referenceList } from './reference-list.js';

/**
 * Keys whose byte order differs from naive orders: '-' (0x2D) < '/' (0x2F) <
 * '0' (0x30) breaks a depth-first directory walk; U+FF5E '～' < U+1F600 '😀'
 * in UTF-8 but not in UTF-16 (JavaScript's string order). No key is both a
 * "file" and a "folder" (`x` next to `x/y`), so every backend can hold them all.
 */
const ORDER_KEYS = [
  'a-c',
  'a/b',
  'a/b-',
  'a/b0',
  'a/c/d',
  'a0',
  'a.txt',
  'ab',
  'A',
  'é',
  'ü/x',
  'z',
  '~',
  '～',
  '😀',
  'b/x/y/z',
  'b/x-y',
  'b/x0',
];

const PHOTO_KEYS = ['photos/2024/a.jpg', 'photos/2024/b.jpg', 'photos/2025/c.jpg', 'photos/readme', 'videos/x.mp4', 'top.txt'];

export function listingTests(ctx: SuiteContext): void {
  describe('listing', () => {
    let bucket: string;

    async function fill(keys: readonly string[]): Promise<void> {
      for (const key of keys) await putBytes(ctx.backend(), bucket, key, `body:${key}`);
    }

    async function list(options: Partial<ListObjectsOptions>): Promise<ListObjectsResult> {
      return ctx.backend().listObjects(bucket, { prefix: '', maxKeys: 1000, ...options });
    }

    beforeEach(async () => {
      bucket = ctx.bucketName('list');
      await ctx.backend().createBucket(bucket, { region: 'us-east-1' });
    });

    it('lists keys in binary UTF-8 order, not JavaScript string order or directory-walk order', async () => {
      await fill(ORDER_KEYS);
      const expected = [...ORDER_KEYS].sort(compareKeys);
      expect(expected).not.toEqual([...ORDER_KEYS].sort()); // the set really tells the orders apart
      const page = await list({});
      expect(page.objects.map((o) => o.key)).toEqual(expected);
      expect(page.isTruncated).toBe(false);
      expect(page.commonPrefixes).toEqual([]);
      for (const o of page.objects) {
        expect(o.size).toBe(Buffer.byteLength(`body:${o.key}`));
        expect(o.storageClass).toBe('STANDARD');
        expect(o.lastModified).toBeInstanceOf(Date);
      }
    });

    it('groups by prefix and delimiter', async () => {
      await fill(PHOTO_KEYS);
      const top = await list({ delimiter: '/' });
      expect(top.commonPrefixes).toEqual(['photos/', 'videos/']);
      expect(top.objects.map((o) => o.key)).toEqual(['top.txt']);
      const photos = await list({ prefix: 'photos/', delimiter: '/' });
      expect(photos.commonPrefixes).toEqual(['photos/2024/', 'photos/2025/']);
      expect(photos.objects.map((o) => o.key)).toEqual(['photos/readme']);
      const partial = await list({ prefix: 'photos/20', delimiter: '/' });
      expect(partial.commonPrefixes).toEqual(['photos/2024/', 'photos/2025/']);
      expect(partial.objects).toEqual([]);
      const flat = await list({ prefix: 'pho' });
      expect(flat.objects.map((o) => o.key)).toEqual(PHOTO_KEYS.slice(0, 4));
      const otherDelimiter = await list({ prefix: 'photos/', delimiter: '4' });
      expect(otherDelimiter.commonPrefixes).toEqual(['photos/2024']);
      expect(otherDelimiter.objects.map((o) => o.key)).toEqual(['photos/2025/c.jpg', 'photos/readme']);
      const noMatch = await list({ prefix: 'photos/2026/', delimiter: '/' });
      expect(noMatch).toMatchObject({ objects: [], commonPrefixes: [], isTruncated: false });
    });

    it('matches the reference model for many prefix / delimiter / after / maxKeys combinations', async () => {
      await fill(ORDER_KEYS);
      const prefixes = ['', 'a', 'a/', 'a/b', 'b/', 'b/x', 'ü', 'zz', 'a-'];
      const delimiters = [undefined, '/', '-', 'b', 'x/'];
      const afters = [undefined, 'a', 'a/', 'a/b', 'a/c/', 'b/x/', 'é'];
      for (const prefix of prefixes) {
        for (const delimiter of delimiters) {
          for (const after of afters) {
            for (const maxKeys of [1000, 2]) {
              const options: ListObjectsOptions = { prefix, maxKeys };
              if (delimiter !== undefined) options.delimiter = delimiter;
              if (after !== undefined) options.after = after;
              const want = referenceList(ORDER_KEYS, options);
              const got = await ctx.backend().listObjects(bucket, options);
              const label = JSON.stringify(options);
              expect(got.objects.map((o) => o.key), label).toEqual(want.keys);
              expect(got.commonPrefixes, label).toEqual(want.commonPrefixes);
              expect(got.isTruncated, label).toBe(want.isTruncated);
              if (want.isTruncated) expect(got.nextAfter, label).toBe(want.nextAfter);
            }
          }
        }
      }
    });

    for (const pageSize of [1, 2, 3]) {
      it(`pages of ${pageSize} add up to the single listing`, async () => {
        await fill(ORDER_KEYS);
        for (const base of [{}, { delimiter: '/' }, { prefix: 'a/' }, { prefix: 'b/', delimiter: '/' }] as Partial<ListObjectsOptions>[]) {
          const whole = await list(base);
          const keys: string[] = [];
          const prefixes: string[] = [];
          let after: string | undefined;
          for (let pages = 0; ; pages++) {
            expect(pages, 'pagination must terminate').toBeLessThan(100);
            const page = await list({ ...base, maxKeys: pageSize, after });
            expect(page.objects.length + page.commonPrefixes.length).toBeLessThanOrEqual(pageSize);
            keys.push(...page.objects.map((o) => o.key));
            prefixes.push(...page.commonPrefixes);
            if (!page.isTruncated) break;
            expect(page.nextAfter).toBeDefined();
            after = page.nextAfter;
          }
          expect(keys, JSON.stringify(base)).toEqual(whole.objects.map((o) => o.key));
          expect(prefixes, JSON.stringify(base)).toEqual(whole.commonPrefixes);
        }
      });
    }

    it('resumes after a common prefix without repeating it or listing its keys', async () => {
      await fill(PHOTO_KEYS);
      const page = await list({ delimiter: '/', after: 'photos/' });
      expect(page.commonPrefixes).toEqual(['videos/']);
      expect(page.objects.map((o) => o.key)).toEqual(['top.txt']);
      const first = await list({ delimiter: '/', maxKeys: 1 });
      expect(first).toMatchObject({ commonPrefixes: ['photos/'], isTruncated: true, nextAfter: 'photos/' });
    });

    it('truncates only when more entries exist', async () => {
      await fill(['k1', 'k2', 'k3']);
      expect(await list({ maxKeys: 3 })).toMatchObject({ isTruncated: false });
      const two = await list({ maxKeys: 2 });
      expect(two).toMatchObject({ isTruncated: true, nextAfter: 'k2' });
      expect(await list({ maxKeys: 2, after: 'k2' })).toMatchObject({ isTruncated: false });
      expect((await list({ after: 'k3' })).objects).toEqual([]);
      expect((await list({ after: 'zzz' })).objects).toEqual([]);
    });

    it('maxKeys 0 returns an empty, untruncated page', async () => {
      await fill(['k1']);
      expect(await list({ maxKeys: 0 })).toMatchObject({ objects: [], commonPrefixes: [], isTruncated: false });
    });

    it('lists an empty bucket', async () => {
      expect(await list({ delimiter: '/' })).toMatchObject({ objects: [], commonPrefixes: [], isTruncated: false });
    });

    it('reflects deletes and overwrites', async () => {
      await fill(['d/1', 'd/2', 'e']);
      await ctx.backend().deleteObject(bucket, 'd/1', {});
      await putBytes(ctx.backend(), bucket, 'e', 'longer body now');
      const page = await list({});
      expect(page.objects.map((o) => [o.key, o.size])).toEqual([
        ['d/2', Buffer.byteLength('body:d/2')],
        ['e', 15],
      ]);
    });
  });
}
