import { describeFaultMatrix } from './matrix.js';

describeFaultMatrix({ drives: 4, parity: 2 });
