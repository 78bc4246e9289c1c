/**
 * What every suite shares: one benchmark.js run over named cases, each reporting ms per call
 * and GFLOP/s (or elements per second), so bench/run.ts can print and record the tables.
 */
import Benchmark from 'benchmark';

export interface Row {
  suite: string;
  case: string;
  msPerCall: number;
  /** 2·multiply-adds per second ÷ 1e9, or null where flops are not the measure */
  gflops: number | null;
  /** another rate where flops are not the measure, e.g. "812 M elements/s" */
  rate: string;
  /** relative margin of error of the mean, percent */
  rme: number;
  samples: number;
}

export interface Case {
  name: string;
  fn: () => void;
  /** floating-point operations one call does (null: report `elements` instead) */
  flops: number | null;
  /** elements one call touches, for element-wise kernels */
  elements?: number;
}

/** Times each case with benchmark.js (after a warm-up call) and returns one row per case. */
export function runCases(suite: string, cases: Case[], maxTime: number, minSamples = 5): Row[] {
  const rows: Row[] = [];
  const bench = new Benchmark.Suite(suite);
  for (const c of cases) {
    c.fn(); // sizes workspaces and warms the JIT before timing
    bench.add(c.name, c.fn, { maxTime, minSamples });
  }
  bench.on('cycle', (event: Benchmark.Event) => {
    const b = event.target as unknown as Benchmark & { name: string };
    const c = cases.find((x) => x.name === b.name)!;
    const seconds = b.stats.mean;
    rows.push({
      suite, case: c.name, msPerCall: seconds * 1e3,
      gflops: c.flops === null ? null : c.flops / seconds / 1e9,
      rate: c.elements ? `${(c.elements / seconds / 1e6).toFixed(0)} M elements/s` : '',
      rme: b.stats.rme, samples: b.stats.sample.length,
    });
    const last = rows[rows.length - 1];
    console.log(`  ${c.name.padEnd(44)} ${last.msPerCall.toFixed(3).padStart(10)} ms  ${last.gflops === null ? last.rate.padStart(18) : `${last.gflops.toFixed(2).padStart(6)} GFLOP/s`}  ±${last.rme.toFixed(1)}%  (${last.samples} runs)`);
  });
  console.log(`\n${suite}`);
  bench.run({ async: false });
  return rows;
}
