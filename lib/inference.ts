/**
 * `rnnkit/inference`: LSTM, GRU and RNN that run forward only, for pages that run trained
 * models and should not carry BPTT (see docs/runtimes.md for the sizes). Same options,
 * parameters and results as the package root's trainable classes; mix freely with the root
 * (e.g. `loadStateDict` or `loadCheckpoint` from `rnnkit` to fill their `params`).
 * The package root (lib/index.ts) is the barrel of everything else; this second entry exists
 * because a bundler cannot drop a class's unused methods, so forward-only classes are the
 * only way to leave backward out of a page.
 */
export { LSTM, GRU, RNN } from './layers/forward-only.js';
export type { StackOptions, RecurrentOutput } from './layers/stack-forward.js';
export type { RNNOptions } from './layers/rnn.js';
export { getBackend, setBackend, type BackendName } from './kernels/backend.js';
export type { Tensor, DType, FloatArray } from './tensor.js';
export type { Param } from './param.js';
