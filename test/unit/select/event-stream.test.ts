import { EventStreamCodec } from '@smithy/core/event-streams';
import { describe, expect, it } from 'vitest';
import {
  contEvent,
  endEvent,
  errorEvent,
  progressEvent,
  recordsEvent,
  statsEvent,
} from '../../../src/select/event-stream.js';

// Vectors computed independently (Python struct + zlib.crc32) from the framing in
// AWS's "Event stream encoding" documentation.
const VECTORS = {
  cont: '00000039000000298ba19df20b3a6576656e742d74797065070004436f6e740d3a6d6573736167652d747970650700056576656e7423dcc1f2',
  end: '0000003800000028c1c684d40b3a6576656e742d74797065070003456e640d3a6d6573736167652d747970650700056576656e74fe2cee99',
  records:
    '0000006900000055ea016f2e0b3a6576656e742d747970650700075265636f7264730d3a636f6e74656e742d747970650700186170706c69636174696f6e2f6f637465742d73747265616d0d3a6d6573736167652d747970650700056576656e74612c310a5e7a40b8',
  error:
    '0000005200000042bf23637e0b3a6572726f722d636f646507000a436173744661696c65640e3a6572726f722d6d657373616765070001780d3a6d6573736167652d747970650700056572726f72f018c445',
};

const codec = new EventStreamCodec(
  (s: string) => Buffer.from(s, 'utf8').toString('utf8'),
  (s: string) => new Uint8Array(Buffer.from(s, 'utf8')),
);

function decode(message: Buffer): { headers: Record<string, string>; body: string } {
  const decoded = codec.decode(new Uint8Array(message));
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(decoded.headers)) headers[name] = String(header.value);
  return { headers, body: Buffer.from(decoded.body).toString('utf8') };
}

describe('event-stream encoder', () => {
  it('matches the known byte vectors', () => {
    expect(contEvent().toString('hex')).toBe(VECTORS.cont);
    expect(endEvent().toString('hex')).toBe(VECTORS.end);
    expect(recordsEvent(Buffer.from('a,1\n')).toString('hex')).toBe(VECTORS.records);
    expect(errorEvent('CastFailed', 'x').toString('hex')).toBe(VECTORS.error);
  });

  it('decodes with the AWS SDK codec (which checks both CRCs)', () => {
    expect(decode(recordsEvent(Buffer.from('x,y\n')))).toEqual({
      headers: { ':event-type': 'Records', ':content-type': 'application/octet-stream', ':message-type': 'event' },
      body: 'x,y\n',
    });
    const stats = decode(statsEvent({ bytesScanned: 10, bytesProcessed: 20, bytesReturned: 3 }));
    expect(stats.headers).toEqual({ ':event-type': 'Stats', ':content-type': 'text/xml', ':message-type': 'event' });
    expect(stats.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Stats><BytesScanned>10</BytesScanned><BytesProcessed>20</BytesProcessed><BytesReturned>3</BytesReturned></Stats>',
    );
    expect(decode(progressEvent({ bytesScanned: 1, bytesProcessed: 1, bytesReturned: 0 })).body).toContain('<Progress><BytesScanned>1</BytesScanned>');
    expect(decode(errorEvent('CSVParsingError', 'bad row é')).headers).toEqual({
      ':error-code': 'CSVParsingError',
      ':error-message': 'bad row é',
      ':message-type': 'error',
    });
  });

  it('refuses a corrupted message in the SDK decoder', () => {
    const message = recordsEvent(Buffer.from('abc'));
    message[message.length - 6] ^= 1;
    expect(() => codec.decode(new Uint8Array(message))).toThrow(/checksum/i);
  });
});
