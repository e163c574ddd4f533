import { describe, expect, it } from 'vitest';
import { authenticate } from '../../../src/iam/authenticate.js';
import { RootCredentialStore } from '../../../src/iam/credentials.js';
import { EMPTY_SHA256 } from '../../../src/iam/crypto-util.js';
import { signV4Headers } from '../../../src/iam/sigv4-sign.js';

const store = new RootCredentialStore('admin-key', 'admin-secret-123');

describe('signV4Headers', () => {
  it('produces a signature the verifier accepts, and one it refuses with another secret', async () => {
    const request = { method: 'POST', rawPath: '/_cairn/admin/v1/heal', rawQuery: 'bucket=b&prefix=a%2Fb%20c&scan=deep', host: '127.0.0.1:9000', payloadHash: EMPTY_SHA256, region: 'us-east-1' };
    const now = new Date();
    const good = signV4Headers({ ...request, now }, { accessKeyId: 'admin-key', secretAccessKey: 'admin-secret-123' });
    const auth = await authenticate({ method: 'POST', rawPath: request.rawPath, rawQuery: request.rawQuery, headers: good, now }, store, { region: 'us-east-1' });
    expect(auth.kind).toBe('authenticated');
    const bad = signV4Headers({ ...request, now }, { accessKeyId: 'admin-key', secretAccessKey: 'wrong-secret-123' });
    await expect(authenticate({ method: 'POST', rawPath: request.rawPath, rawQuery: request.rawQuery, headers: bad, now }, store, { region: 'us-east-1' })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});
