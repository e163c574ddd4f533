import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ScanRangeCutter } from '../../../src/select/scan-range.js';
import { stageObject } from '../../../src/select/staging.js';

/** Feeds `text` from max(0, start-1) in small pieces, as the backend would, and returns what the cutter keeps. */
function cut(text: string, start: number, end: number, quoting = true, piece = 3): string {
  const cutter = new ScanRangeCutter({ start, end, recordEnd: 0x0a, ...(quoting ? { quote: 0x22, escape: 0x22 } : {}) });
  const bytes = Buffer.from(text).subarray(Math.max(0, start - 1));
  let out = '';
  for (let i = 0; i < bytes.length && !cutter.done; i += piece) out += cutter.take(bytes.subarray(i, i + piece)).toString();
  return out;
}

describe('ScanRange record boundaries', () => {
  const text = 'aa,1\nbb,2\ncc,3\ndd,4\n';
  //            0    5    10   15
  it('keeps the records whose first byte is in the range', () => {
    expect(cut(text, 0, 0)).toBe('aa,1\n');
    expect(cut(text, 0, 5)).toBe('aa,1\nbb,2\n');
    expect(cut(text, 1, 5)).toBe('bb,2\n');
    expect(cut(text, 5, 5)).toBe('bb,2\n');
    expect(cut(text, 6, 14)).toBe('cc,3\n');
    expect(cut(text, 6, 9)).toBe('');
    expect(cut(text, 4, 100)).toBe('bb,2\ncc,3\ndd,4\n');
  });

  it('does not end a record at a quoted line break', () => {
    const quoted = 'a,"x\ny"\nb,2\n';
    expect(cut(quoted, 0, 1)).toBe('a,"x\ny"\n');
    expect(cut(quoted, 0, 1, false)).toBe('a,"x\n');
  });

  it('tracks quotes across pieces far before the end of the range, whatever the piece size', () => {
    const records = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `${i},"multi\nline ""${i}"" ,x"\n` : `${i},plain ${i}\n`));
    const text = records.join('');
    const starts = records.map((_, i) => records.slice(0, i).join('').length);
    for (const [first, last] of [[0, 59], [4, 40], [9, 9], [30, 58]]) {
      const end = starts[last] + (last % 3 === 0 ? 4 : 1);
      const expected = records.slice(first, last + 1).join('');
      for (const piece of [1, 3, 64, 4096]) expect(cut(text, starts[first], end, true, piece)).toBe(expected);
    }
  });
});

describe('staging', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-staging-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  const nextPath = () => join(dir, `input-${files++}`);

  it('stages plain, gzip and bzip2 bodies and counts bytes', async () => {
    const text = 'x,y\n'.repeat(1000);
    const plainPath = nextPath();
    const plain = await stageObject(Readable.from([Buffer.from(text)]), plainPath, { compression: 'NONE' });
    expect(readFileSync(plainPath, 'utf8')).toBe(text);
    expect([plain.bytesScanned, plain.bytesProcessed]).toEqual([text.length, text.length]);

    const gz = gzipSync(text);
    const gzPath = nextPath();
    const gzipped = await stageObject(Readable.from([gz]), gzPath, { compression: 'GZIP' });
    expect(readFileSync(gzPath, 'utf8')).toBe(text);
    expect([gzipped.bytesScanned, gzipped.bytesProcessed]).toEqual([gz.length, text.length]);

    // Python's bz2.compress(b'x,y\n' * 1000), made once.
    const bz = Buffer.from('QlpoOTFBWSZTWQvj32kABdvQgAAQAAQAYCAAMM00E1UemqQapB+pBqkHC7kinChIBfHvtIA=', 'base64');
    const bzPath = nextPath();
    await stageObject(Readable.from([bz.subarray(0, 10), bz.subarray(10)]), bzPath, { compression: 'BZIP2' });
    expect(readFileSync(bzPath, 'utf8')).toBe(text);
  });

  it('stages a body of many chunks byte for byte', async () => {
    const chunks = Array.from({ length: 300 }, (_, i) => Buffer.alloc(1000 + i * 97, i % 251));
    const path = nextPath();
    const staged = await stageObject(Readable.from(chunks), path, { compression: 'NONE' });
    expect(readFileSync(path).equals(Buffer.concat(chunks))).toBe(true);
    expect(staged.bytesProcessed).toBe(Buffer.concat(chunks).length);
  });

  it('fails corrupt compressed input with TruncatedInput and leaves no file', async () => {
    for (const compression of ['GZIP', 'BZIP2'] as const) {
      const path = nextPath();
      const err = await stageObject(Readable.from([Buffer.from('definitely not compressed data')]), path, { compression }).catch((e: unknown) => e);
      expect((err as { code: string }).code).toBe('TruncatedInput');
      expect(existsSync(path)).toBe(false);
    }
  });

  it('rewrites an unusual record delimiter to LF', async () => {
    const path = nextPath();
    await stageObject(Readable.from([Buffer.from('a;b|c;d|')]), path, { compression: 'NONE', translateRecordEnd: '|'.charCodeAt(0) });
    expect(readFileSync(path, 'utf8')).toBe('a;b\nc;d\n');
  });
});
