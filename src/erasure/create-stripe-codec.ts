/** The one way to get a StripeCodec. */
import { InThreadStripeCodec } from './in-thread-codec.js';
import { PooledStripeCodec } from './pool.js';
import type { StripeCodec } from './stripe-codec.js';

export interface StripeCodecOptions {
  /** Code in a piscina worker pool (the server's choice); otherwise on the calling thread. */
  pool?: boolean;
  /** Pool threads (default: available parallelism). */
  threads?: number;
}

export function createStripeCodec(options: StripeCodecOptions = {}): StripeCodec {
  return options.pool ? new PooledStripeCodec(options.threads) : new InThreadStripeCodec();
}
