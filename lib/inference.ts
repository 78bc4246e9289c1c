/**
 * `rnnkit/inference`: what runs trained models forward, for pages that should not carry BPTT
 * (see docs/runtimes.md for the sizes): LSTM, GRU and RNN layers, and the sequence model that
 * `loadModel` reads from a checkpoint and `generate` samples text from. Same options,
 * parameters and results as the package root's trainable classes; mix freely with the root
 * (e.g. `loadStateDict` from `rnnkit` to fill a layer's `params`).
 * The package root (lib/index.ts) is the barrel of everything else; this second entry exists
 * because a bundler cannot drop a class's unused methods, so forward-only classes are the
 * only way to leave backward out of a page.
 */
export { LSTM, GRU, RNN } from './layers/forward-only.js';
export { ForwardSequenceModel, type SequenceModelOptions, type ModelInput, type SequenceInputs, type Prediction } from './models/sequence-model-forward.js';
export { loadForwardModel as loadModel, type SavedModel } from './serialization/checkpoint.js';
export { generate, type GenerateOptions } from './generation/generate.js';
export { withFrozen, type Freezable } from './layers/freeze.js';
export type { StackOptions, RecurrentOutput } from './layers/stack-forward.js';
export type { RNNOptions } from './layers/rnn.js';
export { getBackend, setBackend, type BackendName } from './kernels/backend.js';
export type { Tensor, DType, FloatArray } from './tensor.js';
export type { Param } from './param.js';
