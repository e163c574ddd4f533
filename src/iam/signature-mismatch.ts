/** SignatureDoesNotMatch, built one way so that no verifier leaks key material. */
import { S3Error } from '../s3/errors.js';

/**
 * Like AWS it names the access key and the string to sign (neither is
 * secret, both help a client find its canonicalisation bug); unlike AWS it
 * never includes the signature provided or expected, nor the canonical
 * request (which may carry a security token).
 */
export function signatureMismatch(accessKeyId: string, stringToSign: string): S3Error {
  return new S3Error('SignatureDoesNotMatch', { extra: { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign } });
}
