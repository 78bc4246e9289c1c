/**
 * A stack of recurrent layers of one cell (RNN, GRU or LSTM), optionally bidirectional, with PyTorch's
 * parameter names, layouts and semantics, run forward: the inference half of `RecurrentStack`
 * (stack.ts), which adds training mode, dropout and BPTT. `rnnkit/inference` builds its LSTM, GRU
 * and RNN on this half alone, so a page that only runs models carries no backward pass.
 * Time-major: x [T, B, I] → output [T, B, D·H], h_n and c_n [L·D, B, H] (layer 0 forward,
 * layer 0 backward, layer 1 forward, …). Layer k > 0 reads the D·H features of layer k−1; in a
 * bidirectional layer the forward direction fills the first H features and the backward
 * direction the last H.
 *
 * Workspaces are sized once per (T, B) and reused: a repeated forward of the same shape
 * allocates nothing. The tensors forward returns are views of those workspaces, valid until
 * the next call; copy them to keep them, and do not write into them (a one-direction output
 * is the state cache backward reads).
 *
 * The stack takes its cell as an object: `LSTM`, `GRU` and `RNN` hand it theirs, so a page that
 * imports only `LSTM` carries no other cell and no mode lookup (that is `Recurrent`, by mode name).
 */
import type { ForwardCell } from '../cells/cell.js';
import { copyRows, swapLeadingAxes } from '../kernels/elementwise.js';
import { type Param, initUniform } from '../param.js';
import { Random } from '../random.js';
import { type DType, type FloatArray, type Tensor, allocate, formatShape } from '../tensor.js';
import { checkBoolean, checkBufferSize, checkChoice, checkFinite, checkFloatTensor, checkInteger, checkTensor, describe } from '../validate.js';
import { ForwardDirection } from './direction-forward.js';
import { checkDropout } from './dropout.js';
import { withFrozen } from './freeze.js';

/** What RecurrentStack, LSTM and GRU take (Recurrent adds `mode`, RNN `nonlinearity`). */
export interface StackOptions {
  /** I: features per input step. */
  inputSize: number;
  /** H: hidden units per direction. */
  hiddenSize: number;
  /** L: stacked layers (default 1). */
  numLayers?: number;
  /** Run a second direction backward in time and concatenate (default false). */
  bidirectional?: boolean;
  /** With false there are no bias tensors at all (default true). */
  bias?: boolean;
  /** Take x and give output as [B, T, ·] instead of [T, B, ·] (default false). */
  batchFirst?: boolean;
  /** Storage and arithmetic width of parameters and workspaces (default float32). */
  dtype?: DType;
  /** Seed for the default initialisation U(−1/√H, 1/√H) (default 0). */
  seed?: number;
  /** Prefix for parameter names, e.g. `encoder.` → `encoder.weight_ih_l0` (default none). */
  namePrefix?: string;
  /**
   * p in [0, 1): dropout on the outputs of every layer but the last, in training mode only
   * (PyTorch's `dropout` argument; default 0). Masks are drawn from `rng`, seeded by `seed`.
   */
  dropout?: number;
}

export interface RecurrentOutput {
  /** [T, B, D·H] (or [B, T, D·H] batch-first). */
  readonly output: Tensor;
  /** `[L·D, B, H]`: the last hidden state of each layer and direction. */
  readonly hN: Tensor;
  /** `[L·D, B, H]`: the last cell state (LSTM), else null. */
  readonly cN: Tensor | null;
}

/** The keys of StackOptions; LSTM and GRU refuse any other (Recurrent adds `mode`, RNN `nonlinearity`). */
export const STACK_OPTION_KEYS: readonly string[] = ['inputSize', 'hiddenSize', 'numLayers', 'bidirectional', 'bias', 'batchFirst', 'dtype', 'seed', 'namePrefix', 'dropout'];

/** The stack's own options out of a larger options object (a model's). */
export function pickStackOptions(options: object): StackOptions {
  const o = options as Record<string, unknown>;
  return Object.fromEntries(STACK_OPTION_KEYS.filter((k) => k in o).map((k) => [k, o[k]])) as unknown as StackOptions;
}

/** A stack's forward buffers for one (T, B), made by `reserve` (a trained stack adds BPTT's). */
export interface ForwardWorkspace {
  T: number;
  B: number;
  /** Per layer: its output [T·B, D·H]. */
  outputs: FloatArray[];
  hN: FloatArray;
  cN: FloatArray | null;
  /** batch-first only: time-major copies of x and output. */
  xT: FloatArray | null;
  outputBF: FloatArray | null;
  /** Per-row sequence lengths of the last forward, or unused. */
  lengths: Int32Array;
  result: RecurrentOutput;
}

/** The stack run forward; RecurrentStack is this trained, and LSTM, GRU, RNN are either with a cell chosen. */
export class ForwardStack<Direction extends ForwardDirection = ForwardDirection> {
  /** `RNN`, `GRU` or `LSTM`: names the operation in error messages. */
  readonly kind: string;
  readonly mode: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dtype: DType;
  /** Dropout between layers in training (0: none); a forward-only stack never applies it. */
  readonly dropout: number;
  /** [layer][direction] */
  readonly layers: Direction[][];
  /** Every parameter in PyTorch's state_dict order. */
  readonly params: Param[];
  protected ws: ForwardWorkspace | null = null;
  /** Whether the last forward had per-row lengths. */
  protected masked = false;
  /** The input of the last forward (time-major), kept for backward. */
  protected x: FloatArray | null = null;
  /** Counts workspace (re)sizings, for tests that prove a steady state allocates nothing. */
  private resizes = 0;

  /**
   * `cell` runs every layer and direction, each a `Direction` (forward only, or trained);
   * `kind` (`RNN`, `GRU`, `LSTM`) names the operation in errors. Callers check the option keys
   * under their own name (LSTM, GRU, RNN, Recurrent).
   */
  constructor(cell: ForwardCell, kind: string, options: StackOptions, Direction: new (...args: ConstructorParameters<typeof ForwardDirection>) => Direction) {
    const op = (this.kind = kind);
    this.mode = cell.mode;
    this.inputSize = checkInteger(op, 'inputSize', options.inputSize);
    this.hiddenSize = checkInteger(op, 'hiddenSize', options.hiddenSize);
    this.numLayers = checkInteger(op, 'numLayers', options.numLayers ?? 1);
    this.bidirectional = checkBoolean(op, 'bidirectional', options.bidirectional ?? false);
    this.bias = checkBoolean(op, 'bias', options.bias ?? true);
    this.batchFirst = checkBoolean(op, 'batchFirst', options.batchFirst ?? false);
    this.dtype = checkChoice(op, 'dtype', options.dtype ?? 'float32', ['float32', 'float64'] as const);
    const seed = checkInteger(op, 'seed', options.seed ?? 0, 0);
    this.dropout = checkDropout(op, 'dropout', options.dropout ?? 0);
    const prefix = options.namePrefix ?? '';
    if (typeof prefix !== 'string') throw new TypeError(`${op}: namePrefix must be a string, got ${describe(prefix)}`);
    const D = this.bidirectional ? 2 : 1, H = this.hiddenSize;
    // the largest tensors, checked before anything is allocated
    const GH = cell.gateCount * H;
    checkBufferSize(op, `${prefix}weight_ih_l0`, [GH, this.inputSize], this.dtype);
    checkBufferSize(op, `${prefix}weight_hh_l0`, [GH, H], this.dtype);
    if (this.numLayers > 1) checkBufferSize(op, `${prefix}weight_ih_l1`, [GH, D * H], this.dtype);
    this.layers = [];
    this.params = [];
    for (let k = 0; k < this.numLayers; k++) {
      const inputWidth = k === 0 ? this.inputSize : D * H;
      const dirs: Direction[] = [];
      for (let d = 0; d < D; d++) {
        const suffix = `l${k}${d === 1 ? '_reverse' : ''}`;
        const dir = new Direction(cell, inputWidth, H, d === 1, suffix, this.bias, this.dtype, prefix);
        dirs.push(dir);
        this.params.push(...dir.params);
      }
      this.layers.push(dirs);
    }
    this.resetParameters(seed);
  }

  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  get hasCellState(): boolean {
    return this.layers[0][0].cell.hasCellState;
  }

  /**
   * Runs `fn` with the weights frozen (layers/freeze.ts): the forwards inside reuse what the first
   * of them packs, as a stream of one step per call wants. `fn` must not change a weight;
   * returns what it returns.
   */
  withFrozenWeights<T>(fn: () => T): T {
    return withFrozen(this.layers.flat(), fn);
  }

  /** Re-initialises every parameter from U(−1/√H, 1/√H) with a seeded PRNG (PyTorch's default rule). */
  resetParameters(seed = 0): void {
    const rng = new Random(checkInteger(`${this.kind}.resetParameters`, 'seed', seed, 0));
    const k = 1 / Math.sqrt(this.hiddenSize);
    initUniform(this.params, k, rng);
  }

  /** How many times workspaces were sized; unchanged by repeated calls of one shape. */
  get workspaceAllocations(): number {
    return this.resizes;
  }

  /**
   * Runs the stack over x: [T, B, I] (or [B, T, I] batch-first). h0 and c0 (LSTM only) are
   * [L·D, B, H]; zeros when omitted. Returns views valid until the next call.
   * `lengths` (B integers in 1…T) marks steps t ≥ lengths[b] of row b as padding, as a
   * packed sequence does in PyTorch: their outputs are zero, h_n and c_n are the states at
   * each row's last valid step, and the reverse direction starts there.
   */
  forward(x: Tensor, h0?: Tensor | null, c0?: Tensor | null, lengths?: ArrayLike<number> | null): RecurrentOutput {
    this.checkInputs(`${this.kind}.forward`, x, h0, c0, lengths);
    return this.forwardUnchecked(x, h0, c0, lengths);
  }

  /**
   * forward without the boundary checks, for models that have already made them under their
   * own name (`checkInputs`), so a training step checks its batch once.
   */
  forwardUnchecked(x: Tensor, h0?: Tensor | null, c0?: Tensor | null, lengths?: ArrayLike<number> | null): RecurrentOutput {
    const [T, B] = this.batchFirst ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    const ws = this.reserve(T, B);
    const H = this.hiddenSize, D = this.directions, DH = D * H;
    let X: FloatArray = x.data;
    if (ws.xT) X = swapLeadingAxes(ws.xT, x.data, B, T, this.inputSize);
    this.x = X;
    this.masked = lengths != null;
    if (lengths != null) for (let b = 0; b < B; b++) ws.lengths[b] = lengths[b];
    const lens = this.masked ? ws.lengths : null;
    for (let k = 0; k < this.numLayers; k++) {
      const input = k === 0 ? X : this.feed(k);
      const width = k === 0 ? this.inputSize : DH;
      const out = ws.outputs[k];
      for (let d = 0; d < D; d++) {
        const dir = this.layers[k][d], s = (k * D + d) * B * H;
        dir.setInitial(h0 ? h0.data : null, s, c0 ? c0.data : null, s);
        dir.forward(input, 0, width, lens);
        copyRows(ws.hN, s, H, dir.states, dir.finalOffset(), H, B, H);
        if (ws.cN) copyRows(ws.cN, s, H, dir.cellStates, dir.finalOffset(), H, B, H);
        // one direction: `out` is a view of the state slots a⟨0⟩…a⟨T−1⟩, nothing to copy
        if (D > 1) for (let t = 0; t < T; t++) copyRows(out, t * B * DH + d * H, DH, dir.states, dir.outputOffset(t), H, B, H);
        if (lens) zeroPadded(out, d * H, DH, lens, T, B, H);
      }
    }
    if (ws.outputBF) swapLeadingAxes(ws.outputBF, ws.outputs[this.numLayers - 1], T, B, DH);
    return ws.result;
  }

  /** Layer k's input (k ≥ 1) in forward, once layer k − 1 has run: its output (a trained stack may drop some out). */
  protected feed(k: number): FloatArray {
    return this.ws!.outputs[k - 1];
  }

  /** The result of the last forward (output, h_n, c_n views). */
  lastState(): RecurrentOutput {
    return this.last(`${this.kind}.lastState`).result;
  }

  /** The last layer's output of the last forward, time-major [T·B, D·H] (even when batch-first). */
  forwardOutput(): FloatArray {
    return this.last(`${this.kind}.forwardOutput`).outputs[this.numLayers - 1];
  }

  /** Every check forward makes (x, h0, c0, lengths), named by `op`; returns [T, B]; changes nothing. */
  checkInputs(op: string, x: Tensor, h0?: Tensor | null, c0?: Tensor | null, lengths?: ArrayLike<number> | null): [number, number] {
    const [T, B] = this.checkInput(op, x);
    this.checkStatesAndLengths(op, T, B, h0, c0, lengths);
    return [T, B];
  }

  /** The checks of checkInputs after x's, for a caller that checked its own input of T steps and B rows. */
  checkStatesAndLengths(op: string, T: number, B: number, h0?: Tensor | null, c0?: Tensor | null, lengths?: ArrayLike<number> | null): void {
    if (lengths != null) checkLengths(op, lengths, T, B);
    this.checkStates(op, ['h0', 'c0'], h0, c0, B);
  }

  /**
   * Checks x the way forward does (named by `op`) and returns [T, B]; changes nothing.
   * `batchFirst` (default the stack's) reads x as [B, T, I], for a model that transposes it.
   */
  checkInput(op: string, x: Tensor, batchFirst = this.batchFirst): [number, number] {
    const { data, shape } = checkFloatTensor(op, 'x', x);
    if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new RangeError(`${op}: x must have shape ${batchFirst ? '[B, T, input_size]' : '[T, B, input_size]'} with positive sizes, got ${formatShape(shape)}`);
    }
    if (shape[2] !== this.inputSize) {
      throw new RangeError(`${op}: x has shape ${formatShape(shape)} but input_size is ${this.inputSize}`);
    }
    const n = shape[0] * shape[1] * shape[2];
    if (data.length !== n) throw new RangeError(`${op}: x has shape ${formatShape(shape)} (${n} entries) but its data has ${data.length}`);
    checkFinite(op, 'x', data);
    return batchFirst ? [shape[1], shape[0]] : [shape[0], shape[1]];
  }

  /** Checks a pair of optional states [L·D, B, H] (the second, c, for LSTM only). */
  protected checkStates(op: string, [hName, cName]: [string, string], h: Tensor | null | undefined, c: Tensor | null | undefined, B: number): void {
    const shape = [this.numLayers * this.directions, B, this.hiddenSize];
    if (h != null) checkTensor(op, hName, h, shape, true);
    if (c == null) return;
    if (!this.hasCellState) throw new TypeError(`${op}: ${cName} is only for LSTM, but this is ${this.mode}`);
    checkTensor(op, cName, c, shape, true);
  }

  /** The workspace of the last forward, or an Error naming `op` and what to call first. */
  protected last(op: string, advice = 'call forward first'): ForwardWorkspace {
    if (!this.ws) throw new Error(`${op}: ${advice}`);
    return this.ws;
  }

  /** The workspace for (T, B): the last one when the shape is unchanged. */
  protected reserve(T: number, B: number): ForwardWorkspace {
    if (this.ws && this.ws.T === T && this.ws.B === B) return this.ws;
    for (const dirs of this.layers) for (const dir of dirs) dir.reserve(T, B);
    this.ws = this.workspace(T, B);
    this.resizes++;
    return this.ws;
  }

  /** New forward buffers for (T, B), after the layers have sized theirs; a trained stack adds BPTT's. */
  protected workspace(T: number, B: number): ForwardWorkspace {
    const H = this.hiddenSize, D = this.directions, DH = D * H, L = this.numLayers, I = this.inputSize;
    const f = (n: number) => allocate(this.dtype, n);
    // a unidirectional layer's output is its state slots 1…T, contiguous: a view, not a copy
    const outputs = this.layers.map((dirs) => (D === 1 ? dirs[0].states.subarray(B * H, (T + 1) * B * H) : f(T * B * DH)));
    const bf = this.batchFirst;
    const hN = f(L * D * B * H), cN = this.hasCellState ? f(L * D * B * H) : null;
    const outputBF = bf ? f(T * B * DH) : null;
    const stateShape = [L * D, B, H];
    return {
      T, B, outputs, hN, cN,
      xT: bf ? f(T * B * I) : null,
      outputBF,
      lengths: new Int32Array(B),
      result: {
        output: { data: outputBF ?? outputs[L - 1], shape: bf ? [B, T, DH] : [T, B, DH] },
        hN: { data: hN, shape: stateShape },
        cN: cN ? { data: cN, shape: stateShape } : null,
      },
    };
  }
}

/** Checks per-row lengths (`name`, default `lengths`): B integers in 1…T. */
export function checkLengths(op: string, lengths: ArrayLike<number>, T: number, B: number, name = 'lengths'): void {
  if (typeof lengths !== 'object' || lengths === null || typeof lengths.length !== 'number') {
    throw new TypeError(`${op}: ${name} must be an array of ${B} integers, got ${describe(lengths)}`);
  }
  if (lengths.length !== B) throw new RangeError(`${op}: ${name} has ${lengths.length} entries but the batch has ${B} rows`);
  for (let b = 0; b < B; b++) {
    const n = lengths[b];
    if (!Number.isInteger(n) || n < 1 || n > T) {
      throw new RangeError(`${op}: ${name}[${b}] must be an integer in [1, ${T}], got ${describe(n)}`);
    }
  }
}

/** Zeroes the H columns at `col` of output rows (t, b) with t ≥ lengths[b]. */
function zeroPadded(out: FloatArray, col: number, ld: number, lengths: Int32Array, T: number, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    for (let t = lengths[b]; t < T; t++) out.fill(0, (t * B + b) * ld + col, (t * B + b) * ld + col + H);
  }
}
