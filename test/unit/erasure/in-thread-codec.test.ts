import { InThreadStripeCodec } from '../../../src/erasure/in-thread-codec.js';
import { referenceKernel } from '../../../src/erasure/reference-kernel.js';
import { stripeCodecSuite } from './stripe-codec-suite.js';

stripeCodecSuite('in-thread, reference kernel', () => new InThreadStripeCodec(referenceKernel));
