import { expect } from 'vitest';
import type { Backend, PutObjectOptions } from '../../src/backends/backend.js';
import { isS3Error } from '../../src/s3/errors.js';
import { emptyMeta, type ObjectInfo, type ObjectMeta } from '../../src/s3/types.js';
import { readAll, testBody, type TestBodyOptions } from './body.js';

export interface BackendFixture {
  backend: Backend;
  cleanup(): Promise<void>;
}

export type BackendFactory = () => Promise<BackendFixture>;

/** What each section of the suite gets: the backend under test for the current test. */
export interface SuiteContext {
  backend(): Backend;
  /** A bucket name unique within the run (backends may be shared services). */
  bucketName(hint: string): string;
}

let bucketCounter = 0;
const runId = Math.random().toString(36).slice(2, 8);

export function uniqueBucketName(hint: string): string {
  bucketCounter += 1;
  return `cf-${hint}-${runId}-${bucketCounter}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
}

/** Asserts that `promise` rejects with an S3Error of `code` (and `status`, when given). */
export async function expectS3Error(promise: Promise<unknown>, code: string, status?: number): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected S3Error ${code}`).toBeDefined();
  if (!isS3Error(caught)) throw caught;
  expect(caught.code).toBe(code);
  if (status !== undefined) expect(caught.status).toBe(status);
}

export function meta(overrides: Partial<ObjectMeta> = {}): ObjectMeta {
  return { ...emptyMeta(), ...overrides };
}

export async function putBytes(
  backend: Backend,
  bucket: string,
  key: string,
  data: Buffer | string,
  options: Partial<PutObjectOptions> & { body?: TestBodyOptions } = {},
): Promise<ObjectInfo> {
  const { body: bodyOptions, ...putOptions } = options;
  return backend.putObject(bucket, key, testBody(data, bodyOptions), { meta: meta(), ...putOptions });
}

export async function getBytes(backend: Backend, bucket: string, key: string): Promise<Buffer> {
  const result = await backend.getObject(bucket, key, {});
  return readAll(result.body);
}

/** Every key of a bucket, in the backend's order, through pages of `pageSize`. */
export async function allKeys(backend: Backend, bucket: string, prefix = '', pageSize = 1000): Promise<string[]> {
  const keys: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await backend.listObjects(bucket, { prefix, maxKeys: pageSize, after });
    keys.push(...page.objects.map((o) => o.key));
    if (!page.isTruncated) return keys;
    after = page.nextAfter;
  }
}
