import { afterEach, beforeEach, describe } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { uniqueBucketName, type BackendFactory, type BackendFixture, type SuiteContext } from './harness.js';
import { bucketTests } from './suite-buckets.js';
import { listingTests } from './suite-listing.js';
import { multipartTests } from './suite-multipart.js';
import { objectTests } from './suite-objects.js';
import { tagTests } from './suite-tags.js';
import { writeTests } from './suite-writes.js';

export type { BackendFactory, BackendFixture } from './harness.js';

/**
 * The one suite every backend passes unchanged (local now; erasure and
 * remote-s3 later). Each test gets a fresh backend from `factory` and
 * unique bucket names. Tests that depend on a capability skip themselves at
 * run time when it is absent; their names say which capability and why.
 */
export function runBackendConformance(name: string, factory: BackendFactory): void {
  describe(`backend conformance: ${name}`, () => {
    let fixture: BackendFixture | undefined;
    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });
    const ctx: SuiteContext = {
      backend(): Backend {
        if (!fixture) throw new Error('no backend: used outside a test');
        return fixture.backend;
      },
      bucketName: uniqueBucketName,
    };
    bucketTests(ctx);
    objectTests(ctx);
    listingTests(ctx);
    writeTests(ctx);
    tagTests(ctx);
    multipartTests(ctx);
  });
}
