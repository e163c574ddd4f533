/**
 * Stand-ins for the meta store and files of a drive that is offline (its
 * volume missing, unreadable, or not formatted yet): every operation fails,
 * so quorum counts the drive as failing, exactly as for a drive that throws
 * I/O errors. Reads throw; writes and file operations reject.
 */
import type { DriveFiles, DriveMetaStore, TempShard } from './drive.js';

export class DriveOfflineError extends Error {
  constructor(
    readonly root: string,
    readonly reason: string,
  ) {
    super(`drive ${root} is offline: ${reason}`);
    this.name = 'DriveOfflineError';
  }
}

export class OfflineMetaStore implements DriveMetaStore {
  constructor(private readonly error: DriveOfflineError) {}

  private fail(): never {
    throw this.error;
  }
  private reject(): Promise<never> {
    return Promise.reject(this.error);
  }

  listBuckets = () => this.fail();
  getBucket = () => this.fail();
  putBucket = () => this.reject();
  deleteBucket = () => this.reject();
  getBucketConfig = () => this.fail();
  putBucketConfig = () => this.reject();
  getObject = () => this.fail();
  putObject = () => this.reject();
  deleteObject = () => this.reject();
  listObjects = () => this.fail();
  hasObjects = () => this.fail();
  getUpload = () => this.fail();
  putUpload = () => this.reject();
  deleteUpload = () => this.reject();
  listUploads = () => this.fail();
  putPart = () => this.reject();
  listParts = () => this.fail();
  completeUpload = () => this.reject();
  close(): void {}
}

export class OfflineDriveFiles implements DriveFiles {
  constructor(private readonly error: DriveOfflineError) {}

  private reject(): Promise<never> {
    return Promise.reject(this.error);
  }

  createTemp = (): Promise<TempShard> => this.reject();
  read = (): Promise<Buffer> => this.reject();
  size = (): Promise<number | undefined> => this.reject();
  remove = (): Promise<void> => this.reject();
  removeData = (): Promise<void> => this.reject();
  listData = (): Promise<string[]> => this.reject();
  sweepTemp = (): Promise<void> => this.reject();
}
