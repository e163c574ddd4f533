/** The two errors every verifier raises, built one way so none leaks key material. */
import { S3Error } from '../s3/errors.js';
import type { Credential, CredentialStore } from './credentials.js';

/** Looks the key up; unknown or disabled keys are InvalidAccessKeyId. */
export async function lookupCredential(store: CredentialStore, accessKeyId: string): Promise<Credential> {
  const credential = await store.lookup(accessKeyId);
  if (!credential) throw new S3Error('InvalidAccessKeyId', { extra: { AWSAccessKeyId: accessKeyId } });
  return credential;
}

/**
 * SignatureDoesNotMatch. Like AWS it names the access key and the string to
 * sign (neither is secret, both help a client find its canonicalisation
 * bug); unlike AWS it never includes the signature provided or expected.
 */
export function signatureMismatch(accessKeyId: string, stringToSign: string): S3Error {
  return new S3Error('SignatureDoesNotMatch', { extra: { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign } });
}
