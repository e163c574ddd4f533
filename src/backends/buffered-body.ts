/**
 * An object body whose bytes are all in memory already (a small inline
 * object of the erasure backend). It is an ordinary Readable for every
 * consumer; the front door, seeing one, writes `bytes` in one go instead of
 * piping a stream (a pipeline's set-up and tear-down cost more than a 4 KiB
 * reply itself).
 */
import { Readable } from 'node:stream';

export class BufferedBody extends Readable {
  constructor(readonly bytes: Buffer) {
    super();
  }

  /** Ends the stream unread and hands over its bytes (for a consumer that writes them itself). */
  takeBytes(): Buffer {
    this.destroy();
    return this.bytes;
  }

  override _read(): void {
    if (this.bytes.length > 0) this.push(this.bytes);
    this.push(null);
  }
}
