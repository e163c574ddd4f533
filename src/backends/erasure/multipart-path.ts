/**
 * Multipart uploads on one set. Each part is erasure-coded as it arrives into
 * data/<bucket>/<upload.dataId>/part.<n>.<uuid> (always shard files; a new
 * name per write, so a rewritten part never overwrites bytes a completion may
 * have chosen), and recorded per drive. Completion is a metadata commit: the
 * object's dataId is the upload's, its parts the chosen part files.
 * Part records and completion are serialised per upload (the upload lock),
 * taken before the key's lock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { S3Error } from '../../s3/errors.js';
import type { StorageClass } from '../../s3/types.js';
import type { IncomingBody } from '../backend.js';
import { hasShardFiles, removeDataEverywhere } from './engine-context.js';
import type { ErasureSet } from './erasure-set.js';
import { geometryOf, layoutAt, layoutFor } from './layout.js';
import {
  askDrives,
  chooseVersion,
  countTrue,
  insufficientWriteQuorum,
  meetsWriteQuorum,
  onEveryDrive,
  partBallot,
  uploadBallot,
  type DriveAnswer,
} from './quorum.js';
import type { ObjectRecord, PartRecord, UploadRecord } from './records.js';
import type { CommitCheck, CompletedUpload } from './set-api.js';
import { commitTemps, encodeBody } from './write-path.js';

const UPLOAD_ID_BYTES = 24;

export class MultipartPath {
  constructor(private readonly set: ErasureSet) {}

  async create(
    bucket: string,
    key: string,
    storageClass: StorageClass,
    fields: Omit<UploadRecord, 'bucket' | 'key' | 'uploadId' | 'dataId' | 'initiatedMs' | 'layout'>,
  ): Promise<UploadRecord> {
    const geometry = this.set.geometryFor(storageClass);
    const layout = layoutFor(key, this.set.drives.length, geometry);
    const base: UploadRecord = {
      ...fields,
      bucket,
      key,
      uploadId: randomBytes(UPLOAD_ID_BYTES).toString('hex'),
      dataId: randomUUID(),
      initiatedMs: Date.now(),
      layout,
    };
    const written = await onEveryDrive(this.set.drives, (drive, position) => drive.meta.putUpload({ ...base, layout: layoutAt(layout, position) }));
    if (!meetsWriteQuorum(countTrue(written), geometry.dataShards, geometry.parityShards)) {
      await onEveryDrive(this.set.drives, (drive, position) => (written[position] ? drive.meta.deleteUpload(base.uploadId) : Promise.resolve()));
      throw insufficientWriteQuorum();
    }
    return { ...base, layout: layoutAt(layout, written.indexOf(true)) };
  }

  get(uploadId: string): UploadRecord | undefined {
    const answers = askDrives(this.set.drives, (drive) => drive.meta.getUpload(uploadId));
    return chooseVersion(answers, uploadBallot, this.set.minReadQuorum).value;
  }

  async putPart(upload: UploadRecord, partNumber: number, body: IncomingBody, signal?: AbortSignal): Promise<PartRecord> {
    if (!this.get(upload.uploadId)) throw noSuchUpload(upload.uploadId);
    const geometry = geometryOf(upload.layout);
    const drives = this.set.drives;
    const encoded = await encodeBody(body, { drives, geometry, distribution: upload.layout.distribution, codec: this.set.codec }, signal);
    const file = `part.${partNumber}.${randomUUID()}`;
    const holds = await commitTemps(encoded.temps, upload.bucket, upload.dataId, file);
    const removeNewFiles = () => Promise.all(drives.map((drive) => drive.files.remove(upload.bucket, upload.dataId, file).catch(() => undefined)));
    const record: PartRecord = {
      uploadId: upload.uploadId,
      part: { partNumber, size: encoded.size, etag: encoded.digests.md5Hex, checksums: encoded.digests.checksums, file },
      lastModifiedMs: Date.now(),
    };
    let replaced: DriveAnswer<PartRecord>[];
    try {
      if (!meetsWriteQuorum(countTrue(holds), geometry.dataShards, geometry.parityShards)) throw insufficientWriteQuorum();
      replaced = await this.set.locks.run(uploadLockKey(upload.uploadId), async () => {
        if (!this.get(upload.uploadId)) throw noSuchUpload(upload.uploadId);
        const before = askDrives(drives, (drive) => drive.meta.listParts(upload.uploadId).find((p) => p.part.partNumber === partNumber));
        const written = await onEveryDrive(drives, (drive, position) => (holds[position] ? drive.meta.putPart(record) : Promise.reject(new Error('no shard'))));
        if (!meetsWriteQuorum(countTrue(written), geometry.dataShards, geometry.parityShards)) {
          // Put back what was replaced; a new record left on a minority stays below read quorum.
          await onEveryDrive(drives, async (drive, position) => {
            const previous = before[position];
            if (written[position] && previous.state === 'found') await drive.meta.putPart(previous.value);
          });
          throw insufficientWriteQuorum();
        }
        return before;
      });
    } catch (err) {
      // Aborted meanwhile: the whole data directory goes (the abort may have removed it before this part's files landed).
      if (err instanceof S3Error && err.code === 'NoSuchUpload') await removeDataEverywhere(this.set, upload.bucket, upload.dataId);
      else await removeNewFiles();
      throw err;
    }
    // The replaced part's bytes: no completion can choose them any more (it re-checks under the upload lock).
    await Promise.all(
      drives.map(async (drive, position) => {
        const previous = replaced[position];
        if (previous.state === 'found' && previous.value.part.file && previous.value.part.file !== file) {
          await drive.files.remove(upload.bucket, upload.dataId, previous.value.part.file).catch(() => undefined);
        }
      }),
    );
    return record;
  }

  listParts(upload: UploadRecord): PartRecord[] {
    const perDrive = askDrives(this.set.drives, (drive) => drive.meta.listParts(upload.uploadId));
    const numbers = new Set<number>();
    for (const answer of perDrive) if (answer.state === 'found') for (const record of answer.value) numbers.add(record.part.partNumber);
    const ballot = partBallot(upload);
    const parts: PartRecord[] = [];
    for (const partNumber of [...numbers].sort((a, b) => a - b)) {
      const answers = perDrive.map((answer): DriveAnswer<PartRecord> => {
        if (answer.state !== 'found') return answer;
        const record = answer.value.find((p) => p.part.partNumber === partNumber);
        return record ? { state: 'found', value: record } : { state: 'absent' };
      });
      const chosen = chooseVersion(answers, ballot, this.set.minReadQuorum).value;
      if (chosen) parts.push(chosen);
    }
    return parts;
  }

  listUploads(bucket: string): UploadRecord[] {
    const perDrive = askDrives(this.set.drives, (drive) => drive.meta.listUploads(bucket));
    const ids = new Set<string>();
    for (const answer of perDrive) if (answer.state === 'found') for (const upload of answer.value) ids.add(upload.uploadId);
    const uploads: UploadRecord[] = [];
    for (const uploadId of ids) {
      const answers = perDrive.map((answer): DriveAnswer<UploadRecord> => {
        if (answer.state !== 'found') return answer;
        const upload = answer.value.find((u) => u.uploadId === uploadId);
        return upload ? { state: 'found', value: upload } : { state: 'absent' };
      });
      try {
        const chosen = chooseVersion(answers, uploadBallot, this.set.minReadQuorum).value;
        if (chosen) uploads.push(chosen);
      } catch {
        // Undecidable with the drives that answered: left out of this listing rather than failing it.
      }
    }
    return uploads.sort(
      (a, b) => compareBinary(a.key, b.key) || a.initiatedMs - b.initiatedMs || compareBinary(a.uploadId, b.uploadId),
    );
  }

  async complete(upload: UploadRecord, completion: CompletedUpload, check: CommitCheck, signal?: AbortSignal): Promise<ObjectRecord> {
    const { bucket, key, uploadId } = upload;
    const drives = this.set.drives;
    const geometry = geometryOf(upload.layout);
    const result = await this.set.locks.run(uploadLockKey(uploadId), async () => {
      if (!this.get(uploadId)) throw noSuchUpload(uploadId);
      const current = new Map(this.listParts(upload).map((record) => [record.part.partNumber, record.part]));
      for (const chosen of completion.parts) {
        const now = current.get(chosen.part.partNumber);
        if (!now || now.file !== chosen.part.file || now.etag !== chosen.part.etag) {
          throw new S3Error('InvalidPart', { extra: { PartNumber: String(chosen.part.partNumber), ETag: chosen.part.etag } });
        }
      }
      const uploadsBefore = askDrives(drives, (drive) => drive.meta.getUpload(uploadId));
      const partsBefore = askDrives(drives, (drive) => drive.meta.listParts(uploadId));
      const base: ObjectRecord = {
        bucket,
        key,
        versionId: 'null',
        dataId: upload.dataId,
        size: completion.parts.reduce((sum, record) => sum + record.part.size, 0),
        etag: completion.etag,
        lastModifiedMs: Date.now(),
        meta: upload.meta,
        checksums: completion.checksums,
        ...(completion.checksumType ? { checksumType: completion.checksumType } : {}),
        ...(upload.tags && upload.tags.length > 0 ? { tags: upload.tags } : {}),
        multipart: true,
        layout: upload.layout,
        parts: completion.parts.map(({ part }) => ({ partNumber: part.partNumber, size: part.size, etag: part.etag, checksums: part.checksums, file: part.file })),
      };
      const committed = await this.set.commitObject(
        bucket,
        key,
        geometry,
        check,
        signal,
        upload.dataId,
        (drive, position) => drive.meta.completeUpload({ ...base, layout: layoutAt(upload.layout, position) }, uploadId),
        async (changed) => {
          await onEveryDrive(drives, async (drive, position) => {
            const before = uploadsBefore[position];
            if (!changed[position] || before.state !== 'found') return;
            await drive.meta.putUpload(before.value);
            const parts = partsBefore[position];
            if (parts.state === 'found') for (const part of parts.value) await drive.meta.putPart(part);
          });
        },
        base,
      );
      return { record: { ...base, layout: layoutAt(upload.layout, committed.written) }, previous: committed.previous, partsBefore };
    });
    const chosenFiles = new Set(completion.parts.map(({ part }) => part.file));
    await Promise.all(
      drives.map(async (drive, position) => {
        const parts = result.partsBefore[position];
        if (parts.state !== 'found') return;
        for (const { part } of parts.value) {
          if (part.file && !chosenFiles.has(part.file)) await drive.files.remove(bucket, upload.dataId, part.file).catch(() => undefined);
        }
      }),
    );
    const previous = result.previous;
    if (previous && previous.dataId !== upload.dataId && hasShardFiles(previous)) await removeDataEverywhere(this.set, bucket, previous.dataId);
    return result.record;
  }

  async abort(upload: UploadRecord): Promise<void> {
    await this.set.locks.run(uploadLockKey(upload.uploadId), async () => {
      const removed = await onEveryDrive(this.set.drives, (drive) => drive.meta.deleteUpload(upload.uploadId));
      if (!meetsWriteQuorum(countTrue(removed), upload.layout.dataShards, upload.layout.parityShards)) throw insufficientWriteQuorum();
    });
    await removeDataEverywhere(this.set, upload.bucket, upload.dataId);
  }
}

function uploadLockKey(uploadId: string): string {
  return `upload\u0000${uploadId}`;
}

function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', { extra: { UploadId: uploadId } });
}

function compareBinary(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
