/** Which S3 error each malformed, misdated or misdirected request gets. */
import { describe, expect, test } from 'vitest';
import { authenticate } from '../../../src/iam/authenticate.js';
import type { AuthRequest } from '../../../src/iam/auth-types.js';
import { request, s3ErrorOf } from './helpers.js';
import { now, presigned, settings, signed, store } from './sdk-signer.js';

const errorOf = (req: AuthRequest) => s3ErrorOf(authenticate(req, store, settings));
const withAuthorization = (req: AuthRequest, authorization: string): AuthRequest => ({
  ...req,
  headers: { ...req.headers, authorization },
});

describe('credential scope', () => {
  test('another region is AuthorizationHeaderMalformed naming the expected region', async () => {
    const err = await errorOf(await signed({ region: 'eu-west-1' }));
    expect(err.code).toBe('AuthorizationHeaderMalformed');
    expect(err.message).toBe("The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'");
    expect(err.extra).toEqual({ Region: 'us-east-1' });
  });

  test('another service, another terminal, another day', async () => {
    expect((await errorOf(await signed({ service: 'sts' }))).code).toBe('AuthorizationHeaderMalformed');
    const req = await signed({});
    const auth = req.headers.authorization;
    expect((await errorOf(withAuthorization(req, auth.replace('aws4_request', 'aws5_request')))).code).toBe('AuthorizationHeaderMalformed');
    const otherDay = await errorOf(withAuthorization(req, auth.replace('/20240601/', '/20240602/')));
    expect(otherDay.code).toBe('AuthorizationHeaderMalformed');
    expect(otherDay.message).toContain('Invalid credential date');
  });

  test('a malformed Credential or missing component', async () => {
    const req = await signed({});
    const auth = req.headers.authorization;
    for (const bad of [
      auth.replace(/Credential=[^,]*/, 'Credential=onlykey'),
      auth.replace(/, SignedHeaders=[^,]*/, ''),
      auth.replace(/Signature=/, 'Sig='),
      auth + ', Signature=00',
      auth.replace(/SignedHeaders=/, 'SignedHeaders=;'),
    ]) {
      expect((await errorOf(withAuthorization(req, bad))).code).toBe('AuthorizationHeaderMalformed');
    }
  });
});

describe('scheme selection', () => {
  test('no credentials at all is anonymous, and the caller decides', async () => {
    expect(await authenticate(request({ now, rawPath: '/bucket/key' }), store, settings)).toEqual({
      kind: 'anonymous',
      payload: { kind: 'unsigned' },
    });
  });

  test('unknown and SigV4a algorithms', async () => {
    const req = request({ now, headers: { host: 'h', authorization: 'Bearer abc' } });
    const err = await errorOf(req);
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toBe('Unsupported Authorization Type');
    expect((await errorOf(withAuthorization(req, 'AWS4-ECDSA-P256-SHA256 Credential=x'))).code).toBe('NotImplemented');
  });

  test('two mechanisms at once', async () => {
    const req = await presigned({});
    expect((await errorOf(withAuthorization(req, 'AWS AK:sig'))).code).toBe('InvalidArgument');
    const v2AndV4 = { ...req, rawQuery: req.rawQuery + '&AWSAccessKeyId=AK&Signature=x&Expires=1' };
    expect((await errorOf(v2AndV4)).code).toBe('InvalidArgument');
  });
});

describe('time', () => {
  test('more than 15 minutes of skew either way is RequestTimeTooSkewed', async () => {
    for (const offset of [-15 * 60_000 - 1000, 15 * 60_000 + 1000]) {
      const err = await errorOf(await signed({ signingDate: new Date(now.getTime() + offset) }));
      expect(err.code).toBe('RequestTimeTooSkewed');
      expect(err.extra).toMatchObject({ ServerTime: now.toISOString(), MaxAllowedSkewMilliseconds: '900000' });
      expect(err.extra.RequestTime).toMatch(/^20240601T/);
    }
    const within = await authenticate(await signed({ signingDate: new Date(now.getTime() - 14 * 60_000) }), store, settings);
    expect(within.kind).toBe('authenticated');
  });

  test('a configured skew replaces the default', async () => {
    const req = await signed({ signingDate: new Date(now.getTime() - 60_000) });
    const err = await s3ErrorOf(authenticate(req, store, { region: 'us-east-1', maxSkewMs: 30_000 }));
    expect(err.code).toBe('RequestTimeTooSkewed');
  });

  test('no usable date is AccessDenied with AWS message', async () => {
    const req = await signed({});
    const { 'x-amz-date': _d, ...undated } = req.headers;
    for (const headers of [undated, { ...req.headers, 'x-amz-date': 'yesterday' }, { ...req.headers, 'x-amz-date': '20240631T120000Z' }]) {
      const err = await errorOf({ ...req, headers });
      expect(err.code).toBe('AccessDenied');
      expect(err.message).toBe('AWS authentication requires a valid Date or x-amz-date header');
    }
  });

  test('x-amz-date wins over a Date header sent beside it', async () => {
    const req = await signed({ headers: { date: 'Sat, 01 Jun 2024 12:00:00 GMT' } });
    expect(req.headers['x-amz-date']).toBe('20240601T120000Z');
    expect((await authenticate(req, store, settings)).kind).toBe('authenticated');
  });
});

describe('x-amz-content-sha256', () => {
  test('missing on a header-signed request is InvalidRequest', async () => {
    const req = await signed({});
    const { 'x-amz-content-sha256': _h, ...headers } = req.headers;
    const err = await errorOf({ ...req, headers });
    expect(err.code).toBe('InvalidRequest');
    expect(err.message).toBe('Missing required header for this request: x-amz-content-sha256');
  });

  test('neither a digest nor a known mode is InvalidArgument; SigV4a streaming is NotImplemented', async () => {
    const err = await errorOf(await signed({ payloadHash: 'GIBBERISH' }));
    expect(err.code).toBe('InvalidArgument');
    expect(err.extra).toMatchObject({ ArgumentName: 'x-amz-content-sha256', ArgumentValue: 'GIBBERISH' });
    expect((await errorOf(await signed({ payloadHash: 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' }))).code).toBe('NotImplemented');
  });

  test('every streaming mode is recognised', async () => {
    for (const [value, kind] of [
      ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'chunked-signed'],
      ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'chunked-signed'],
      ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'chunked-unsigned-trailer'],
    ]) {
      const result = await authenticate(await signed({ method: 'PUT', payloadHash: value }), store, settings);
      expect(result.payload.kind).toBe(kind);
    }
  });

  test('signed chunks without a SigV4 header signature cannot be verified', async () => {
    const req = request({ now, headers: { host: 'h', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } });
    expect((await errorOf(req)).code).toBe('InvalidRequest');
  });
});
