import { S3Error } from '../s3/errors.js';

/**
 * Who is calling. The root user now; IAM users, groups and their policies
 * come later and slot in behind the same CredentialStore interface.
 */
export interface Principal {
  kind: 'root' | 'user';
  /** User name (the root user's access key for root). */
  name: string;
  accessKeyId: string;
}

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  principal: Principal;
}

export interface CredentialStore {
  /** Undefined when the access key is unknown or disabled. */
  lookup(accessKeyId: string): Promise<Credential | undefined>;
}

/** The root credential from configuration. */
export class RootCredentialStore implements CredentialStore {
  private readonly root: Credential;

  constructor(accessKeyId: string, secretAccessKey: string) {
    this.root = { accessKeyId, secretAccessKey, principal: { kind: 'root', name: accessKeyId, accessKeyId } };
  }

  async lookup(accessKeyId: string): Promise<Credential | undefined> {
    return accessKeyId === this.root.accessKeyId ? this.root : undefined;
  }
}

/** Looks a key up for a signature check; unknown or disabled keys are InvalidAccessKeyId. */
export async function requireCredential(store: CredentialStore, accessKeyId: string): Promise<Credential> {
  const credential = await store.lookup(accessKeyId);
  if (!credential) throw new S3Error('InvalidAccessKeyId', { extra: { AWSAccessKeyId: accessKeyId } });
  return credential;
}
