/**
 * Runs every benchmark suite in bench/ (one suite per hot loop) and prints each one's table.
 * `npm run bench` builds and runs this file. To add a suite, export `runXSuite()` from
 * `x.bench.ts` and call it below.
 */
import { runGemmSuite } from './gemm.bench.js';

runGemmSuite();
