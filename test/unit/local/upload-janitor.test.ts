import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, IncomingBody } from '../../../src/backends/backend.js';
import { janitorIntervalFor, startUploadJanitor, type JanitorLog, type UploadJanitor } from '../../../src/backends/upload-janitor.js';
import { incomingBodyFrom } from '../../../src/frontend/stream-body.js';
import { emptyMeta } from '../../../src/s3/types.js';
import { openLocal, type LocalFixture } from './fixture.js';

const DAY = 24 * 60 * 60 * 1000;
const EXPIRY = 7 * DAY;

function bodyOf(data: Buffer): IncomingBody {
  const source = new PassThrough();
  source.end(data);
  return incomingBodyFrom(source, data.length);
}

function recordingLog(): JanitorLog & { lines: { level: string; message: string; fields: object }[] } {
  const lines: { level: string; message: string; fields: object }[] = [];
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', message, fields }),
    warn: (fields, message) => lines.push({ level: 'warn', message, fields }),
  };
}

let fixture: LocalFixture;
let janitor: UploadJanitor | undefined;
beforeEach(async () => {
  fixture = await openLocal();
  await fixture.backend.createBucket('jan', { region: 'us-east-1' });
});
afterEach(async () => {
  await janitor?.stop();
  janitor = undefined;
  await fixture.cleanup();
});

describe('upload janitor', () => {
  it('aborts only uploads initiated more than the expiry ago (fake clock), parts and all', async () => {
    const backend = fixture.backend;
    const old = await backend.createMultipartUpload('jan', 'old/key', { meta: emptyMeta() });
    await backend.uploadPart('jan', 'old/key', old.uploadId, 1, bodyOf(Buffer.from('part one')));
    await sleep(25);
    const fresh = await backend.createMultipartUpload('jan', 'fresh', { meta: emptyMeta() });
    const log = recordingLog();
    const clock = old.initiated.getTime() + EXPIRY + 10;
    janitor = startUploadJanitor({ backends: () => [backend], expiryMs: EXPIRY, intervalMs: DAY, pauseMs: 0, log, now: () => clock });

    expect(await janitor.sweep()).toEqual({ buckets: 1, aborted: 1, failed: 0 });
    const left = await backend.listMultipartUploads('jan');
    expect(left.map((u) => u.uploadId)).toEqual([fresh.uploadId]);
    await expect(backend.listParts('jan', 'old/key', old.uploadId)).rejects.toMatchObject({ code: 'NoSuchUpload' });
    expect(log.lines.find((l) => l.message === 'aborted expired multipart upload')?.fields).toMatchObject({ bucket: 'jan', key: 'old/key', uploadId: old.uploadId });

    // Nothing else expires until the clock passes the fresh upload's expiry too.
    expect((await janitor.sweep()).aborted).toBe(0);
  });

  it('runs on its own timer and stops on stop()', async () => {
    const backend = fixture.backend;
    await backend.createMultipartUpload('jan', 'a', { meta: emptyMeta() });
    await backend.createMultipartUpload('jan', 'b', { meta: emptyMeta() });
    janitor = startUploadJanitor({ backends: () => [backend], expiryMs: EXPIRY, intervalMs: 20, pauseMs: 1, log: recordingLog(), now: () => Date.now() + EXPIRY + 1 });
    for (let i = 0; i < 100 && (await backend.listMultipartUploads('jan')).length > 0; i++) await sleep(20);
    expect(await backend.listMultipartUploads('jan')).toEqual([]);
    await janitor.stop();
    await backend.createMultipartUpload('jan', 'after-stop', { meta: emptyMeta() });
    await sleep(100);
    expect((await backend.listMultipartUploads('jan')).map((u) => u.key)).toEqual(['after-stop']);
  });

  it('never throws out of a sweep: a failing backend is logged and the others are still swept', async () => {
    const broken = {
      type: 'broken',
      listBuckets: () => Promise.reject(new Error('disk on fire')),
    } as unknown as Backend;
    await fixture.backend.createMultipartUpload('jan', 'x', { meta: emptyMeta() });
    const log = recordingLog();
    janitor = startUploadJanitor({ backends: () => [broken, fixture.backend], expiryMs: EXPIRY, intervalMs: DAY, pauseMs: 0, log, now: () => Date.now() + EXPIRY + 1 });
    expect(await janitor.sweep()).toEqual({ buckets: 1, aborted: 1, failed: 1 });
    expect(log.lines.some((l) => l.level === 'warn' && l.message.includes('sweep failed'))).toBe(true);
  });

  it('sweeps at a tenth of the expiry, between one minute and one hour', () => {
    expect(janitorIntervalFor(7 * DAY)).toBe(60 * 60_000);
    expect(janitorIntervalFor(60 * 60_000)).toBe(6 * 60_000);
    expect(janitorIntervalFor(60_000)).toBe(60_000);
  });
});
