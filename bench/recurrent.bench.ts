/**
 * Training-step and inference suite: a recurrent layer at the peers' configurations, exactly
 * what `rnnkit bench` times (TrainStepHarness: forward, MSE over all outputs, BPTT, SGD).
 * FLOPs: 2·B·T·(I+H)·G·H per forward, ×3 for a training step.
 */
import { BENCH_CONFIGS, TrainStepHarness } from '../lib/cli/bench.js';
import { type Row, runCases } from './suite.js';

const G: Record<string, number> = { lstm: 4, gru: 3, rnn: 1 };

export function runRecurrentSuite(maxTime = 3): Row[] {
  const rows: Row[] = [];
  for (const config of ['small', 'big'] as const) {
    const { B, T, I, H } = BENCH_CONFIGS[config];
    const cases = Object.keys(G).flatMap((cell) => {
      const h = new TrainStepHarness(cell, config);
      const flops = 2 * B * T * (I + H) * G[cell] * H;
      return [
        { name: `${cell} ${config} training step`, fn: () => { h.train(); }, flops: 3 * flops },
        { name: `${cell} ${config} inference`, fn: () => h.infer(), flops },
      ];
    });
    rows.push(...runCases(`Recurrent layers, ${config} (B=${B} T=${T} I=${I} H=${H}, float32)`, cases, maxTime, config === 'big' ? 3 : 5));
  }
  return rows;
}
