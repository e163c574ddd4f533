import { crc32 } from 'node:zlib';

/**
 * The AWS event-stream framing SelectObjectContent answers with. Each message:
 *
 *   total length (u32 BE) | headers length (u32 BE) | prelude CRC32 (of the 8 bytes before)
 *   headers | payload | message CRC32 (of everything before it)
 *
 * A header is: name length (u8), name, value type (7 = string), value length
 * (u16 BE), value. Only string headers are ever sent.
 */

const PRELUDE_BYTES = 8;
const CRC_BYTES = 4;
const STRING_HEADER_TYPE = 7;

/** Largest Records payload per message; records are split across messages, never a row inside one. */
export const MAX_RECORDS_PAYLOAD = 128 * 1024;

export type EventHeaders = [name: string, value: string][];

function encodeHeaders(headers: EventHeaders): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of headers) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_HEADER_TYPE, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

/** One complete event-stream message. */
export function encodeMessage(headers: EventHeaders, payload: Buffer = Buffer.alloc(0)): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = PRELUDE_BYTES + CRC_BYTES + headerBytes.length + payload.length + CRC_BYTES;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, PRELUDE_BYTES)), PRELUDE_BYTES);
  headerBytes.copy(message, PRELUDE_BYTES + CRC_BYTES);
  payload.copy(message, PRELUDE_BYTES + CRC_BYTES + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - CRC_BYTES)), total - CRC_BYTES);
  return message;
}

function eventMessage(eventType: string, contentType: string | undefined, payload?: Buffer): Buffer {
  const headers: EventHeaders = [[':event-type', eventType]];
  if (contentType !== undefined) headers.push([':content-type', contentType]);
  headers.push([':message-type', 'event']);
  return encodeMessage(headers, payload);
}

export function recordsEvent(payload: Buffer): Buffer {
  return eventMessage('Records', 'application/octet-stream', payload);
}

export function contEvent(): Buffer {
  return eventMessage('Cont', undefined);
}

export function endEvent(): Buffer {
  return eventMessage('End', undefined);
}

/** Byte counts reported by Progress and Stats. */
export interface ScanCounts {
  /** Bytes read from the stored object (compressed size for compressed input). */
  bytesScanned: number;
  /** Bytes after decompression. */
  bytesProcessed: number;
  /** Bytes of Records payload sent. */
  bytesReturned: number;
}

function countsXml(root: 'Progress' | 'Stats', c: ScanCounts): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><${root}><BytesScanned>${c.bytesScanned}</BytesScanned>` +
      `<BytesProcessed>${c.bytesProcessed}</BytesProcessed><BytesReturned>${c.bytesReturned}</BytesReturned></${root}>`,
    'utf8',
  );
}

export function progressEvent(counts: ScanCounts): Buffer {
  return eventMessage('Progress', 'text/xml', countsXml('Progress', counts));
}

export function statsEvent(counts: ScanCounts): Buffer {
  return eventMessage('Stats', 'text/xml', countsXml('Stats', counts));
}

/** An error during the scan: the stream ends after it (no End message follows). */
export function errorEvent(code: string, message: string): Buffer {
  return encodeMessage([
    [':error-code', code],
    [':error-message', message],
    [':message-type', 'error'],
  ]);
}
