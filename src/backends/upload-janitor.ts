import { setTimeout as sleep } from 'node:timers/promises';
import { isS3Error } from '../s3/errors.js';
import type { Backend } from './backend.js';

/**
 * Aborts multipart uploads left incomplete for longer than the expiry, so
 * parts of abandoned uploads do not hold disk space forever (what AWS's
 * AbortIncompleteMultipartUpload lifecycle action does per bucket, here as
 * one server-wide setting). Runs in the background: one sweep at a time,
 * uploads aborted one by one with a pause between them, nothing ever thrown
 * out of the loop, and stop() waits for a sweep under way to end.
 */

/** What the janitor logs through: structurally a pino logger, so this layer need not import obs. */
export interface JanitorLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface UploadJanitorOptions {
  /** Every backend once (BackendRegistry.all). */
  backends: () => Backend[];
  /** Uploads initiated longer ago than this are aborted. */
  expiryMs: number;
  /** Time between the end of one sweep and the start of the next. */
  intervalMs: number;
  /** Pause between two aborts, so a large backlog does not compete with clients. */
  pauseMs?: number;
  log: JanitorLog;
  /** The clock, for tests. */
  now?: () => number;
}

export interface SweepReport {
  buckets: number;
  aborted: number;
  failed: number;
}

export interface UploadJanitor {
  /** One sweep now (also what the timer runs). Never rejects. */
  sweep(): Promise<SweepReport>;
  /** Stops the timer and any sweep under way; resolves when it has stopped. */
  stop(): Promise<void>;
}

/** A sweep interval that fits the expiry: a tenth of it, between one minute and one hour. */
export function janitorIntervalFor(expiryMs: number): number {
  return Math.min(60 * 60_000, Math.max(60_000, Math.floor(expiryMs / 10)));
}

export function startUploadJanitor(options: UploadJanitorOptions): UploadJanitor {
  const now = options.now ?? Date.now;
  const pauseMs = options.pauseMs ?? 10;
  const stopping = new AbortController();
  let running: Promise<SweepReport> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function sweepBackend(backend: Backend, report: SweepReport): Promise<void> {
    const cutoff = now() - options.expiryMs;
    for (const bucket of await backend.listBuckets(stopping.signal)) {
      if (stopping.signal.aborted) return;
      report.buckets++;
      const uploads = await backend.listMultipartUploads(bucket.name, stopping.signal);
      for (const upload of uploads) {
        if (stopping.signal.aborted) return;
        if (upload.initiated.getTime() > cutoff) continue;
        try {
          await backend.abortMultipartUpload(bucket.name, upload.key, upload.uploadId, stopping.signal);
          report.aborted++;
          options.log.info({ bucket: bucket.name, key: upload.key, uploadId: upload.uploadId, initiated: upload.initiated.toISOString() }, 'aborted expired multipart upload');
        } catch (err) {
          // Completed or aborted by a client meanwhile: nothing left to do.
          if (isS3Error(err) && err.code === 'NoSuchUpload') continue;
          report.failed++;
          options.log.warn({ err, bucket: bucket.name, key: upload.key, uploadId: upload.uploadId }, 'could not abort expired multipart upload');
        }
        if (pauseMs > 0) await sleep(pauseMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  }

  async function sweepAll(): Promise<SweepReport> {
    const report: SweepReport = { buckets: 0, aborted: 0, failed: 0 };
    for (const backend of options.backends()) {
      try {
        await sweepBackend(backend, report);
      } catch (err) {
        if (stopping.signal.aborted) break;
        report.failed++;
        options.log.warn({ err, backend: backend.type }, 'multipart upload sweep failed on a backend');
      }
    }
    if (report.aborted > 0 || report.failed > 0) options.log.info({ ...report }, 'multipart upload sweep done');
    return report;
  }

  function sweep(): Promise<SweepReport> {
    running ??= sweepAll().finally(() => (running = undefined));
    return running;
  }

  function schedule(): void {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      void sweep().finally(schedule);
    }, options.intervalMs);
    timer.unref();
  }

  schedule();
  return {
    sweep,
    async stop() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
