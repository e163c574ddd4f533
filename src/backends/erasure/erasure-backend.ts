/**
 * The erasure-coded backend: objects Reed-Solomon coded across the drives of
 * an erasure set, surviving the loss of any parity's worth of them.
 *
 * - Drives (volumes) group into sets (deployment.ts); each object lives in
 *   one set, chosen by a hash of bucket/key (placement.ts), and its engine
 *   (ErasureSet, erasure-set.ts) encodes, commits by quorum, reads and heals.
 * - Buckets and their configs live on every drive (bucket-store.ts).
 * - Listing reads the node's listing index (listing-index.ts), a cache kept
 *   in commit order; while it is not ready, it merges the sets' drives by
 *   quorum (listing.ts).
 * - Multipart parts are erasure-coded as they arrive; completion is a
 *   metadata commit in the key's set. Uploads of a key live in its set.
 * - Copies read the source from its set and write the destination like a
 *   PUT (copy-body.ts); a copy onto itself of a single-part object only
 *   rewrites its record.
 * - `a` and `a/b` coexist: keys are records, never paths.
 * - Objects found degraded go to a bounded heal queue drained in the
 *   background (heal-queue.ts).
 * - Unversioned: versionId "null" names the only version.
 */
import { checkSourceEtag, checkWriteConditions } from '../../s3/conditions.js';
import { S3Error } from '../../s3/errors.js';
import { selectParts } from '../../s3/part-selection.js';
import { assertValidObjectKey } from '../../s3/names.js';
import { resolveRange } from '../../s3/range.js';
import type { BucketInfo, ChecksumAlgorithm, MultipartUpload, ObjectInfo, UploadedPart } from '../../s3/types.js';
import { createStripeCodec } from '../../erasure/create-stripe-codec.js';
import type { StripeCodec } from '../../erasure/stripe-codec.js';
import type {
  Backend,
  BackendCapabilities,
  BucketConfigKind,
  CopyObjectOptions,
  CreateMultipartOptions,
  DeleteObjectsEntry,
  DeleteResult,
  GetObjectOptions,
  GetObjectResult,
  IncomingBody,
  ListObjectsOptions,
  ListObjectsResult,
  MultipartCompletion,
  ObjectMetaUpdate,
  ObjectRef,
  PutObjectOptions,
} from '../backend.js';
import { KeyLocks } from '../key-locks.js';
import { BucketStore } from './bucket-store.js';
import { digestingBody } from './copy-body.js';
import type { Drive } from './drive.js';
import { openDeployment, type Deployment } from './deployment.js';
import { UNCONDITIONAL } from './engine-context.js';
import { ErasureSet } from './erasure-set.js';
import { HealQueue, type HealTarget } from './heal-queue.js';
import { compareKeys } from './key-order.js';
import { invalidateListingIndex, ListingIndex } from './listing-index.js';
import { listObjectsPage, type ListingSet } from './listing.js';
import { infoFromRecord } from './object-info.js';
import { resolveParity, type ParityByStorageClass } from './parity.js';
import { setIndexFor } from './placement.js';
import type { ObjectRecord, PartRecord, UploadRecord } from './records.js';
import type { CommitCheck, ErasureSetApi } from './set-api.js';

export interface ErasureBackendOptions {
  /** Drive roots, in the order given (ellipsis already expanded). */
  volumes: string[];
  /** Drives per set; default: the largest divisor of the drive count up to 16. */
  setDriveCount?: number;
  /** Parity per storage class; defaults by set size (parity.ts). */
  parity: Partial<ParityByStorageClass>;
  /** Region reported for buckets whose record has none. */
  defaultRegion?: string;
  /** Where background failures (heals) are reported; never thrown. */
  onBackgroundError?: (what: string, err: unknown) => void;
  /** Wraps each opened drive before the engines use it (fault tests inject failures this way). */
  wrapDrive?: (drive: Drive) => Drive;
  /**
   * Keep the node's listing index (default true). Off, listings always merge
   * the drives, and any index left on the drives is invalidated (it would
   * miss this process's writes).
   */
  listingIndex?: boolean;
}

const MAX_PART_NUMBER = 10_000;

export class ErasureBackend implements Backend {
  readonly type = 'erasure';
  readonly capabilities: BackendCapabilities = { versioning: false, objectLock: false, fileAndPrefixCoexist: true };

  private readonly buckets: BucketStore;
  private readonly uploadLocks = new KeyLocks();
  private readonly listingSets: ListingSet[];
  /** The node's listing index; undefined when turned off. */
  listingIndex: ListingIndex | undefined;

  private constructor(
    /** The drives, their identities and set layout (for admin and healing). */
    readonly deployment: Deployment,
    allDrives: readonly Drive[],
    /** One object engine per erasure set, by set index. */
    readonly sets: readonly ErasureSet[],
    /** Parity per storage class, after defaults. */
    readonly parity: ParityByStorageClass,
    /** Objects waiting to be healed. */
    readonly healQueue: HealQueue,
    private readonly codec: StripeCodec,
    private readonly onBackgroundError: (what: string, err: unknown) => void,
  ) {
    this.buckets = new BucketStore(allDrives);
    this.listingSets = sets.map((set) => ({ drives: set.drives, minReadQuorum: set.minReadQuorum }));
  }

  /** Opens (formatting blank drives) the deployment and starts a set engine per erasure set. */
  static async open(options: ErasureBackendOptions): Promise<ErasureBackend> {
    const onBackgroundError = options.onBackgroundError ?? (() => undefined);
    const deployment = await openDeployment({ volumes: options.volumes, setDriveCount: options.setDriveCount });
    try {
      const setSize = deployment.sets[0].length;
      const parity = resolveParity(setSize, options.parity);
      const codec = createStripeCodec({ pool: true });
      const sets: ErasureSet[] = [];
      let listingIndex: ListingIndex | undefined;
      const healQueue = new HealQueue({
        heal: (target: HealTarget) => sets[target.setIndex].heal(target.bucket, target.key),
        onError: (target, err) => onBackgroundError(`healing ${target.bucket}/${target.key}`, err),
      });
      const wrap = options.wrapDrive ?? ((drive: Drive) => drive);
      const driveSets = deployment.sets.map((drives) => drives.map(wrap));
      driveSets.forEach((drives, index) => {
        sets.push(
          new ErasureSet({
            index,
            drives,
            codec,
            parityFor: (storageClass) => parity[storageClass],
            onDegraded: (bucket: string, key: string) => healQueue.add({ setIndex: index, bucket, key }),
            onCommitted: (bucket, key, record) => listingIndex?.committed(bucket, key, record),
          }),
        );
      });
      const backend = new ErasureBackend(deployment, driveSets.flat(), sets, parity, healQueue, codec, onBackgroundError);
      if (options.listingIndex === false) invalidateListingIndex(deployment.drives.map((drive) => drive.root));
      else listingIndex = backend.listingIndex = backend.openListingIndex();
      return backend;
    } catch (err) {
      await deployment.close();
      throw err;
    }
  }

  private openListingIndex(): ListingIndex {
    const deployment = this.deployment;
    return ListingIndex.open({
      deploymentId: deployment.id,
      onlineRoots: () => {
        const offline = new Set(deployment.offline.map((drive) => drive.root));
        return deployment.drives.map((drive) => drive.root).filter((root) => !offline.has(root));
      },
      listBuckets: () => this.buckets.list().map((bucket) => bucket.name),
      scan: (bucket, after, maxKeys) => listObjectsPage(bucket, this.listingSets, { prefix: '', after, maxKeys }),
      onEvent: (what, err) => {
        if (err !== undefined) this.onBackgroundError(what, err);
      },
    });
  }

  // ── buckets ──────────────────────────────────────────────────────────

  async listBuckets(): Promise<BucketInfo[]> {
    return this.buckets.list();
  }

  async createBucket(bucket: string, options: { region: string }): Promise<void> {
    // Uploads left in a bucket of this name that a drive failure kept from being dropped with it.
    const checkedAt = Date.now();
    if (!this.bucketExists(bucket)) await this.dropUploads(bucket, checkedAt);
    await this.buckets.create(bucket, options.region);
  }

  async headBucket(bucket: string): Promise<BucketInfo> {
    return this.buckets.head(bucket);
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.buckets.delete(bucket, async () => {
      for (const set of this.listingSets) {
        if (listObjectsPage(bucket, [set], { prefix: '', maxKeys: 1 }).objects.length > 0) {
          throw new S3Error('BucketNotEmpty', { resource: bucket, extra: { BucketName: bucket } });
        }
      }
    });
    this.listingIndex?.bucketDropped(bucket);
    // AWS deletes a general purpose bucket with uploads in progress, and they go with it.
    await this.dropUploads(bucket).catch((err: unknown) => this.onBackgroundError(`dropping the uploads of deleted bucket ${bucket}`, err));
  }

  async getBucketConfig(bucket: string, kind: BucketConfigKind): Promise<string | undefined> {
    return this.buckets.getConfig(bucket, kind);
  }

  async putBucketConfig(bucket: string, kind: BucketConfigKind, doc: string | undefined): Promise<void> {
    await this.buckets.putConfig(bucket, kind, doc);
  }

  // ── objects ──────────────────────────────────────────────────────────

  async putObject(bucket: string, key: string, body: IncomingBody, options: PutObjectOptions, signal?: AbortSignal): Promise<ObjectInfo> {
    this.buckets.require(bucket);
    assertValidObjectKey(key);
    refuseIfAborted(body, signal);
    const record = await this.setOf(bucket, key).put(
      bucket,
      key,
      body,
      options.meta.storageClass,
      { meta: options.meta, tags: nonEmpty(options.tags) },
      conditionCheck(options.ifMatch, options.ifNoneMatch),
      signal,
    );
    return infoFromRecord(record);
  }

  async getObject(bucket: string, key: string, options: GetObjectOptions, signal?: AbortSignal): Promise<GetObjectResult> {
    const { set, record } = this.requireObject(bucket, key, options.versionId);
    const range = options.range && resolveRange(options.range, record.size);
    const result: GetObjectResult = { info: infoFromRecord(record), body: set.read(record, range, signal) };
    if (range) result.range = range;
    return result;
  }

  async headObject(bucket: string, key: string, options: { versionId?: string }): Promise<ObjectInfo> {
    return infoFromRecord(this.requireObject(bucket, key, options.versionId).record);
  }

  async copyObject(source: ObjectRef, dest: ObjectRef, options: CopyObjectOptions, signal?: AbortSignal): Promise<ObjectInfo> {
    this.buckets.require(dest.bucket);
    assertValidObjectKey(dest.key);
    const { set: sourceSet, record } = this.requireObject(source.bucket, source.key, source.versionId);
    checkSourceEtag(options.sourceEtag, record.etag);
    const sameObject = source.bucket === dest.bucket && source.key === dest.key;
    if (sameObject && !record.multipart) {
      // The bytes stay; only the record changes (metadata, tags, Last-Modified).
      const updated = await sourceSet.update(dest.bucket, dest.key, (current) => {
        if (current.dataId !== record.dataId) throw sourceChanged();
        const next: ObjectRecord = { ...current, meta: options.meta, tags: nonEmpty(options.tags), lastModifiedMs: Math.max(Date.now(), current.lastModifiedMs) };
        if (options.checksums) next.checksums = options.checksums;
        return next;
      }, signal);
      return infoFromRecord(updated);
    }
    // A multipart source's copy is single-part (MD5 ETag, full-object checksums), so its bytes are read through.
    const algorithms = Object.keys(options.checksums ?? record.checksums) as ChecksumAlgorithm[];
    const body = digestingBody(sourceSet.read(record, undefined, signal), record.size, algorithms);
    const check: CommitCheck = (current) => {
      if (sameObject && current?.dataId !== record.dataId) throw sourceChanged();
    };
    const written = await this.setOf(dest.bucket, dest.key).put(
      dest.bucket,
      dest.key,
      body,
      options.meta.storageClass,
      { meta: options.meta, tags: nonEmpty(options.tags) },
      check,
      signal,
    );
    return infoFromRecord(written);
  }

  async deleteObject(bucket: string, key: string, options: { versionId?: string }, signal?: AbortSignal): Promise<DeleteResult> {
    this.buckets.require(bucket);
    if (options.versionId !== undefined && options.versionId !== 'null') {
      throw new S3Error('InvalidArgument', { message: 'Invalid version id specified', extra: { ArgumentName: 'versionId', ArgumentValue: options.versionId } });
    }
    assertValidObjectKey(key);
    await this.setOf(bucket, key).remove(bucket, key, signal);
    return options.versionId === undefined ? {} : { versionId: options.versionId };
  }

  async deleteObjects(bucket: string, objects: { key: string; versionId?: string }[], signal?: AbortSignal): Promise<DeleteObjectsEntry[]> {
    this.buckets.require(bucket);
    const results: DeleteObjectsEntry[] = [];
    for (const { key, versionId } of objects) {
      signal?.throwIfAborted();
      const echo = versionId === undefined ? {} : { versionId };
      try {
        await this.deleteObject(bucket, key, { versionId }, signal);
        results.push({ key, ...echo, deleted: true });
      } catch (err) {
        const s3 = err instanceof S3Error ? err : new S3Error('InternalError', { cause: err });
        results.push({ key, ...echo, deleted: false, code: s3.code, message: s3.message });
      }
    }
    return results;
  }

  async listObjects(bucket: string, options: ListObjectsOptions): Promise<ListObjectsResult> {
    this.buckets.require(bucket);
    return this.listingIndex?.list(bucket, options) ?? listObjectsPage(bucket, this.listingSets, options);
  }

  async updateObjectMeta(bucket: string, key: string, update: ObjectMetaUpdate, signal?: AbortSignal): Promise<ObjectInfo> {
    const { set, record } = this.requireObject(bucket, key, undefined);
    if (update.tags === undefined) return infoFromRecord(record);
    const tags = nonEmpty(update.tags);
    return infoFromRecord(await set.update(bucket, key, (current) => ({ ...current, tags }), signal));
  }

  // ── multipart ────────────────────────────────────────────────────────

  async createMultipartUpload(bucket: string, key: string, options: CreateMultipartOptions): Promise<MultipartUpload> {
    this.buckets.require(bucket);
    assertValidObjectKey(key);
    const fields: Parameters<ErasureSetApi['createUpload']>[3] = { meta: options.meta };
    if (options.tags && options.tags.length > 0) fields.tags = options.tags;
    if (options.checksumAlgorithm) fields.checksumAlgorithm = options.checksumAlgorithm;
    if (options.checksumType) fields.checksumType = options.checksumType;
    return uploadOf(await this.setOf(bucket, key).createUpload(bucket, key, options.meta.storageClass, fields));
  }

  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: IncomingBody, signal?: AbortSignal): Promise<UploadedPart> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new S3Error('InvalidArgument', {
        message: `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
        extra: { ArgumentName: 'partNumber', ArgumentValue: String(partNumber) },
      });
    }
    const { set, upload } = this.requireUpload(bucket, key, uploadId);
    refuseIfAborted(body, signal);
    return uploadedPartOf(await set.putPart(upload, partNumber, body, signal));
  }

  async completeMultipartUpload(bucket: string, key: string, uploadId: string, completion: MultipartCompletion, signal?: AbortSignal): Promise<ObjectInfo> {
    // One completion of an upload at a time: the parts chosen cannot change under it.
    return this.uploadLocks.run(uploadId, async () => {
      const { set, upload } = this.requireUpload(bucket, key, uploadId);
      const uploaded = set.listParts(upload).map((record) => ({ partNumber: record.part.partNumber, etag: record.part.etag, record }));
      const chosen = selectParts(uploaded, completion.parts).map((p) => p.record);
      const record = await set.completeUpload(
        upload,
        { parts: chosen, etag: completion.etag, checksums: completion.checksums, checksumType: completion.checksumType },
        conditionCheck(completion.ifMatch, completion.ifNoneMatch),
        signal,
      );
      return infoFromRecord(record);
    });
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.uploadLocks.run(uploadId, async () => {
      const { set, upload } = this.requireUpload(bucket, key, uploadId);
      await set.abortUpload(upload);
    });
  }

  async listParts(bucket: string, key: string, uploadId: string): Promise<{ upload: MultipartUpload; parts: UploadedPart[] }> {
    const { set, upload } = this.requireUpload(bucket, key, uploadId);
    return { upload: uploadOf(upload), parts: set.listParts(upload).map(uploadedPartOf) };
  }

  async listMultipartUploads(bucket: string): Promise<MultipartUpload[]> {
    this.buckets.require(bucket);
    return this.allUploads(bucket).map(uploadOf);
  }

  async close(): Promise<void> {
    await this.healQueue.close();
    await this.listingIndex?.close();
    await this.codec.close();
    await this.deployment.close();
  }

  // ── helpers ──────────────────────────────────────────────────────────

  private setOf(bucket: string, key: string): ErasureSetApi {
    return this.sets[setIndexFor(bucket, key, this.sets.length)];
  }

  private requireObject(bucket: string, key: string, versionId: string | undefined): { set: ErasureSetApi; record: ObjectRecord } {
    this.buckets.require(bucket);
    if (versionId !== undefined && versionId !== 'null') throw new S3Error('NoSuchVersion', { extra: { VersionId: versionId } });
    assertValidObjectKey(key);
    const set = this.setOf(bucket, key);
    const record = set.resolve(bucket, key);
    if (!record) throw new S3Error('NoSuchKey', { extra: { Key: key } });
    return { set, record };
  }

  /** The upload if it exists for this bucket and key; NoSuchUpload otherwise (an id of another key included). */
  private requireUpload(bucket: string, key: string, uploadId: string): { set: ErasureSetApi; upload: UploadRecord } {
    this.buckets.require(bucket);
    const set = this.setOf(bucket, key);
    const upload = set.getUpload(uploadId);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw new S3Error('NoSuchUpload', { extra: { UploadId: uploadId } });
    return { set, upload };
  }

  /** Every set's uploads of the bucket: by key (binary UTF-8), then initiation, then upload id. */
  private allUploads(bucket: string): UploadRecord[] {
    return this.sets
      .flatMap((set) => set.listUploads(bucket))
      .sort((a, b) => compareKeys(a.key, b.key) || a.initiatedMs - b.initiatedMs || compareKeys(a.uploadId, b.uploadId));
  }

  /** Aborts the bucket's uploads (only those begun before `initiatedBefore`, when given). */
  private async dropUploads(bucket: string, initiatedBefore?: number): Promise<void> {
    for (const upload of this.allUploads(bucket)) {
      if (initiatedBefore !== undefined && upload.initiatedMs >= initiatedBefore) continue;
      await this.uploadLocks.run(upload.uploadId, () => this.setOf(upload.bucket, upload.key).abortUpload(upload));
    }
  }

  private bucketExists(bucket: string): boolean {
    try {
      this.buckets.require(bucket);
      return true;
    } catch (err) {
      if (err instanceof S3Error && err.code === 'NoSuchBucket') return false;
      throw err;
    }
  }
}

/** The write conditions of a PUT or a completion, checked against the current record under the key's lock. */
function conditionCheck(ifMatch: string | undefined, ifNoneMatch: string | undefined): CommitCheck {
  // UNCONDITIONAL lets the set skip reading the current record before the commit.
  if (ifMatch === undefined && ifNoneMatch === undefined) return UNCONDITIONAL;
  return (current) => checkWriteConditions({ ifMatch, ifNoneMatch }, current);
}

/** A request already aborted stores nothing: its body is released unread (so it cannot fail unobserved), as a pipeline would on abort. */
function refuseIfAborted(body: IncomingBody, signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  body.stream.on('error', () => undefined);
  body.stream.destroy();
  signal.throwIfAborted();
}

function sourceChanged(): S3Error {
  return new S3Error('ConditionalRequestConflict', { message: 'The source object changed while it was being copied' });
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function uploadOf(record: UploadRecord): MultipartUpload {
  const upload: MultipartUpload = { bucket: record.bucket, key: record.key, uploadId: record.uploadId, initiated: new Date(record.initiatedMs), meta: record.meta };
  if (record.tags && record.tags.length > 0) upload.tags = record.tags;
  if (record.checksumAlgorithm) upload.checksumAlgorithm = record.checksumAlgorithm;
  if (record.checksumType) upload.checksumType = record.checksumType;
  return upload;
}

function uploadedPartOf(record: PartRecord): UploadedPart {
  const { partNumber, size, etag, checksums } = record.part;
  return { partNumber, size, etag, lastModified: new Date(record.lastModifiedMs), checksums };
}
