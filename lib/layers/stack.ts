/**
 * A stack of recurrent layers of one cell (RNN, GRU or LSTM), optionally bidirectional, with PyTorch's
 * parameter names, layouts and semantics. Time-major: x [T, B, I] → output [T, B, D·H],
 * h_n and c_n [L·D, B, H] (layer 0 forward, layer 0 backward, layer 1 forward, …).
 * Layer k > 0 reads the D·H features of layer k−1; in a bidirectional layer the forward
 * direction fills the first H features and the backward direction the last H.
 *
 * Workspaces are sized once per (T, B) and reused: a repeated forward and backward of the
 * same shape allocates nothing. The tensors forward and backward return are views of those
 * workspaces, valid until the next call; copy them to keep them, and do not write into them
 * (a one-direction output is the state cache backward reads).
 *
 * The stack takes its cell as an object: `LSTM`, `GRU` and `RNN` hand it theirs, so a page that
 * imports only `LSTM` carries no other cell and no mode lookup (that is `Recurrent`, by mode name).
 */
import type { Cell } from '../cells/cell.js';
import { copyRows, swapLeadingAxes } from '../kernels/elementwise.js';
import { type Param, initUniform, zeroGrads } from '../param.js';
import { Random } from '../random.js';
import { type DType, type FloatArray, type Tensor, allocate, formatShape } from '../tensor.js';
import { checkBoolean, checkBufferSize, checkChoice, checkFinite, checkFloatTensor, checkInteger, checkTensor, describe } from '../validate.js';
import { RecurrentDirection } from './direction.js';
import { applyMask, checkDropout, drawMask } from './dropout.js';

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

export interface RecurrentGradients {
  /** dL/dx, shaped like x. */
  readonly dx: Tensor;
  /** dL/dh0 [L·D, B, H]. */
  readonly dh0: Tensor;
  /** dL/dc0 [L·D, B, H] (LSTM), else null. */
  readonly dc0: Tensor | null;
}

/** The keys of StackOptions; LSTM and GRU refuse any other (Recurrent adds `mode`, RNN `nonlinearity`). */
export const STACK_OPTION_KEYS: readonly string[] = ['inputSize', 'hiddenSize', 'numLayers', 'bidirectional', 'bias', 'batchFirst', 'dtype', 'seed', 'namePrefix', 'dropout'];

/** The stack's own options out of a larger options object (a model's). */
export function pickStackOptions(options: object): StackOptions {
  const o = options as Record<string, unknown>;
  return Object.fromEntries(STACK_OPTION_KEYS.filter((k) => k in o).map((k) => [k, o[k]])) as unknown as StackOptions;
}

/** A stack's buffers for one (T, B), made by `reserve`. */
export interface Workspace {
  T: number;
  B: number;
  /** Per layer: its output [T·B, D·H]. */
  outputs: FloatArray[];
  /** Per layer k < L−1: dL/d(output of layer k) [T·B, D·H], written by layer k+1. */
  dOutputs: FloatArray[];
  /** With dropout, per layer k < L−1: its mask and its dropped output (layer k+1's input) [T·B, D·H]. */
  masks: FloatArray[];
  dropped: FloatArray[];
  dx: FloatArray;
  hN: FloatArray;
  cN: FloatArray | null;
  dh0: FloatArray;
  dc0: FloatArray | null;
  /** Step-by-step runs only (see Recurrent.beginSteps): the layer-0 input [T·B, I] the caller fills. */
  xSteps: FloatArray | null;
  /** batch-first only: time-major copies of x, output, dOutput, dx. */
  xT: FloatArray | null;
  outputBF: FloatArray | null;
  dOutputT: FloatArray | null;
  dxBF: FloatArray | null;
  gradNorms: Float64Array;
  /** Per-row sequence lengths of the last forward, or unused. */
  lengths: Int32Array;
  result: RecurrentOutput;
  gradients: RecurrentGradients;
}

/** The stack itself, over whole sequences; LSTM, GRU, RNN and Recurrent are this with a cell chosen. */
export class RecurrentStack {
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
  /** Dropout between layers (0: none). */
  readonly dropout: number;
  /** Training mode: dropout is applied (PyTorch's default). `eval()` turns it off. */
  training = true;
  /** The generator dropout masks are drawn from (seeded by `seed`; save its state to resume exactly). */
  readonly rng: Random;
  /** Whether the last forward applied dropout. */
  private dropped = false;
  /** [layer][direction] */
  readonly layers: RecurrentDirection[][];
  /** Every parameter in PyTorch's state_dict order. */
  readonly params: Param[];
  protected ws: Workspace | null = null;
  /** Whether the last forward had per-row lengths. */
  protected masked = false;
  /** The input of the last forward (time-major), kept for backward. */
  protected x: FloatArray | null = null;
  /** The forward's caches are intact (backward turns them into gradients in place). */
  protected backwardReady = false;
  /** Counts workspace (re)sizings, for tests that prove a steady state allocates nothing. */
  private resizes = 0;

  /**
   * `cell` runs every layer and direction; `kind` (`RNN`, `GRU`, `LSTM`) names the operation in
   * errors. Callers check the option keys under their own name (LSTM, GRU, RNN, Recurrent).
   */
  constructor(cell: Cell, kind: string, options: StackOptions) {
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
    this.rng = new Random((seed ^ 0xd50) >>> 0);
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
      const dirs: RecurrentDirection[] = [];
      for (let d = 0; d < D; d++) {
        const suffix = `l${k}${d === 1 ? '_reverse' : ''}`;
        const dir = new RecurrentDirection(cell, inputWidth, H, d === 1, suffix, this.bias, this.dtype, prefix);
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

  /** Re-initialises every parameter from U(−1/√H, 1/√H) with a seeded PRNG (PyTorch's default rule). */
  resetParameters(seed = 0): void {
    const rng = new Random(checkInteger(`${this.kind}.resetParameters`, 'seed', seed, 0));
    const k = 1 / Math.sqrt(this.hiddenSize);
    initUniform(this.params, k, rng);
  }

  /** Training mode (default): dropout applies. Returns this. */
  train(mode = true): this {
    this.training = mode;
    return this;
  }

  /** Evaluation mode: no dropout. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Sets every parameter gradient to zero. */
  zeroGrad(): void {
    zeroGrads(this.params);
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
    this.dropped = this.dropout > 0 && this.training;
    for (let k = 0; k < this.numLayers; k++) {
      if (k > 0 && this.dropped) {
        drawMask(ws.masks[k - 1], 0, T * B * DH, this.dropout, this.rng);
        applyMask(ws.dropped[k - 1], ws.outputs[k - 1], ws.masks[k - 1], T * B * DH);
      }
      const input = k === 0 ? X : this.layerInput(k);
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
    this.backwardReady = true;
    return ws.result;
  }

  /**
   * Backpropagation through time for the last forward. dOutput is shaped like its output;
   * dhN and dcN (LSTM) like h_n and c_n, zeros when omitted. Parameter gradients are
   * accumulated (+=) into each param's `grad`; call zeroGrad() between steps.
   */
  backward(dOutput: Tensor, dhN?: Tensor | null, dcN?: Tensor | null): RecurrentGradients {
    const op = `${this.kind}.backward`;
    const { T, B } = this.last(op, 'call forward before backward');
    const DH = this.directions * this.hiddenSize;
    checkTensor(op, 'dOutput', dOutput, this.batchFirst ? [B, T, DH] : [T, B, DH], true);
    this.checkStates(op, ['dhN', 'dcN'], dhN, dcN, B);
    const ws = this.ready(op);
    let dTop: FloatArray = dOutput.data;
    if (ws.dOutputT) dTop = swapLeadingAxes(ws.dOutputT, dOutput.data, B, T, DH);
    return this.backwardUnchecked(dTop, dhN ? dhN.data : null, dcN ? dcN.data : null);
  }

  /**
   * BPTT without the boundary checks, for models that own the gradient buffers they pass
   * (a head's dL/doutput, a decoder's dL/dh0): dOutput time-major [T·B, D·H], dhN and dcN
   * [L·D, B, H] or null. Non-finite values propagate instead of throwing, so a caller such as
   * the Trainer can detect a diverged step and refuse it as a whole.
   */
  backwardUnchecked(dTop: FloatArray, dhN: FloatArray | null, dcN: FloatArray | null): RecurrentGradients {
    const ws = this.ready(`${this.kind}.backward`);
    this.backwardReady = false;
    const { T, B } = ws;
    const H = this.hiddenSize, D = this.directions, DH = D * H, L = this.numLayers;
    for (let k = L - 1; k >= 0; k--) {
      const dOut = k === L - 1 ? dTop : ws.dOutputs[k];
      const input = k === 0 ? this.x : this.layerInput(k);
      const width = k === 0 ? this.inputSize : DH;
      const dInput = k === 0 ? ws.dx : ws.dOutputs[k - 1];
      for (let d = 0; d < D; d++) {
        const dir = this.layers[k][d], s = (k * D + d) * B * H;
        dir.backward(
          dOut, d * H, DH,
          dhN, s, dcN, s,
          input!, 0, width, dInput, 0, d > 0,
          ws.gradNorms, (k * D + d) * T, this.masked ? ws.lengths : null,
        );
        copyRows(ws.dh0, s, H, dir.initialGrad, 0, H, B, H);
        if (ws.dc0) copyRows(ws.dc0, s, H, dir.initialCellGrad, 0, H, B, H);
      }
      // through the dropout before layer k: dL/d(output of k−1) = dL/d(dropped) ⊙ mask
      if (k > 0 && this.dropped) applyMask(dInput, dInput, ws.masks[k - 1], T * B * DH);
    }
    if (ws.dxBF) swapLeadingAxes(ws.dxBF, ws.dx, T, B, this.inputSize);
    return ws.gradients;
  }

  /** Layer k's input (k ≥ 1): the previous layer's output, or its dropped copy in training. */
  protected layerInput(k: number): FloatArray {
    return this.dropped ? this.ws!.dropped[k - 1] : this.ws!.outputs[k - 1];
  }

  /** The result of the last forward (output, h_n, c_n views). */
  lastState(): RecurrentOutput {
    return this.last(`${this.kind}.lastState`).result;
  }

  /** The last layer's output of the last forward, time-major [T·B, D·H] (even when batch-first). */
  forwardOutput(): FloatArray {
    return this.last(`${this.kind}.forwardOutput`).outputs[this.numLayers - 1];
  }

  /**
   * ‖dL/da⟨t⟩‖ (over the batch and the H units) for every layer, direction and time step of
   * the last backward: [L·D, T]. Shrinking values toward t = 0 show vanishing gradients.
   */
  gradNorms(): Tensor {
    const ws = this.last(`${this.kind}.gradNorms`, 'call forward and backward first');
    return { data: ws.gradNorms, shape: [this.numLayers * this.directions, ws.T] };
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
  private checkStates(op: string, [hName, cName]: [string, string], h: Tensor | null | undefined, c: Tensor | null | undefined, B: number): void {
    const shape = [this.numLayers * this.directions, B, this.hiddenSize];
    if (h != null) checkTensor(op, hName, h, shape, true);
    if (c == null) return;
    if (!this.hasCellState) throw new TypeError(`${op}: ${cName} is only for LSTM, but this is ${this.mode}`);
    checkTensor(op, cName, c, shape, true);
  }

  /** The workspace of the last forward, or an Error naming `op` and what to call first. */
  private last(op: string, advice = 'call forward first'): Workspace {
    if (!this.ws) throw new Error(`${op}: ${advice}`);
    return this.ws;
  }

  /** The workspace, refused (naming `op`) before a forward or once a backward used up its caches. */
  protected ready(op: string): Workspace {
    const ws = this.last(op, 'call forward before backward');
    if (!this.backwardReady) throw new Error(`${op}: call forward again first: each backward uses up the caches of its forward`);
    return ws;
  }

  protected reserve(T: number, B: number): Workspace {
    if (this.ws && this.ws.T === T && this.ws.B === B) return this.ws;
    const H = this.hiddenSize, D = this.directions, DH = D * H, L = this.numLayers, I = this.inputSize;
    const f = (n: number) => allocate(this.dtype, n);
    for (const dirs of this.layers) for (const dir of dirs) dir.reserve(T, B);
    // a unidirectional layer's output is its state slots 1…T, contiguous: a view, not a copy
    const outputs = this.layers.map((dirs) => (D === 1 ? dirs[0].states.subarray(B * H, (T + 1) * B * H) : f(T * B * DH)));
    const dOutputs = Array.from({ length: L - 1 }, () => f(T * B * DH));
    const drop = () => Array.from({ length: this.dropout > 0 ? L - 1 : 0 }, () => f(T * B * DH));
    const lstm = this.hasCellState, bf = this.batchFirst;
    const ws: Workspace = {
      T, B, outputs, dOutputs, masks: drop(), dropped: drop(),
      dx: f(T * B * I),
      hN: f(L * D * B * H), cN: lstm ? f(L * D * B * H) : null,
      dh0: f(L * D * B * H), dc0: lstm ? f(L * D * B * H) : null,
      xSteps: null,
      xT: bf ? f(T * B * I) : null,
      outputBF: bf ? f(T * B * DH) : null,
      dOutputT: bf ? f(T * B * DH) : null,
      dxBF: bf ? f(T * B * I) : null,
      gradNorms: new Float64Array(L * D * T),
      lengths: new Int32Array(B),
      result: null as unknown as RecurrentOutput,
      gradients: null as unknown as RecurrentGradients,
    };
    const stateShape = [L * D, B, H];
    ws.result = {
      output: { data: ws.outputBF ?? outputs[L - 1], shape: bf ? [B, T, DH] : [T, B, DH] },
      hN: { data: ws.hN, shape: stateShape },
      cN: ws.cN ? { data: ws.cN, shape: stateShape } : null,
    };
    ws.gradients = {
      dx: { data: ws.dxBF ?? ws.dx, shape: bf ? [B, T, I] : [T, B, I] },
      dh0: { data: ws.dh0, shape: stateShape },
      dc0: ws.dc0 ? { data: ws.dc0, shape: stateShape } : null,
    };
    this.ws = ws;
    this.resizes++;
    return ws;
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
