import { describeFaultMatrix } from './matrix.js';

describeFaultMatrix({ drives: 6, parity: 2 });
