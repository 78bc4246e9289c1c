/** The pictures `rnnkit train` writes: loss curves and the ‖∂L/∂a⟨t⟩‖ heatmap. */
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';
import { heatmap } from './plots/heatmap.js';
import { lineChart } from './plots/line-chart.js';

export interface TrainingHistory {
  /** [step, loss per character] */
  train: [number, number][];
  /** [step, validation loss per character] */
  validation: [number, number][];
  /** one row per evaluation: ‖∂L/∂a⟨t⟩‖ for t = 0…T−1 of the first layer */
  gradNorms: number[][];
  /** the training step of each gradNorms row */
  gradNormSteps: number[];
}

/** Writes loss.svg and gradnorm.svg into dir and returns their paths. */
export function writeTrainingPlots(dir: string, history: TrainingHistory, cell: string): string[] {
  const paths: string[] = [];
  const loss = join(dir, 'loss.svg');
  writeFileAtomic(loss, lineChart({
    title: `rnnkit train: ${cell} loss per character`,
    xLabel: 'training step', yLabel: 'cross-entropy per character (nats)',
    series: [
      { name: 'train', points: history.train },
      { name: 'validation', points: history.validation },
    ],
  }));
  paths.push(loss);
  const rows = history.gradNorms.length, cols = rows > 0 ? history.gradNorms[0].length : 0;
  if (rows > 0 && cols > 0) {
    const path = join(dir, 'gradnorm.svg');
    // row r is the record at training step steps[r] (evenly spaced): its band is centred there,
    // so the y ticks read training steps, not row numbers
    const steps = history.gradNormSteps, first = steps[0], last = steps[rows - 1];
    const half = rows > 1 ? (last - first) / (rows - 1) / 2 : 0.5;
    writeFileAtomic(path, heatmap({
      title: `‖∂L/∂a⟨t⟩‖ over time steps (${cell}, layer 0)`,
      xLabel: 'time step t', yLabel: 'training step', yDomain: [first - half, last + half],
      rows, cols, values: history.gradNorms.flat(), colorScale: 'log', colorLabel: '‖∂L/∂a⟨t⟩‖',
    }));
    paths.push(path);
  }
  return paths;
}
