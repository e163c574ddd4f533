import type { Principal } from '../../iam/credentials.js';

/** The Owner element S3 includes in listings: a stable canonical id derived from the principal. */
export function ownerOf(principal: Principal): { ID: string; DisplayName: string } {
  return { ID: principal.accessKeyId, DisplayName: principal.name };
}
