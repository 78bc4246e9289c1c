/**
 * A stack of recurrent layers of one cell (RNN, GRU or LSTM), trained: the forward pass of
 * `ForwardStack` (stack-forward.ts) plus training mode, dropout between layers and BPTT.
 *
 * Workspaces are sized once per (T, B) and reused: a repeated forward and backward of the
 * same shape allocates nothing. The tensors forward and backward return are views of those
 * workspaces, valid until the next call; copy them to keep them, and do not write into them
 * (a one-direction output is the state cache backward reads).
 */
import type { Cell } from '../cells/cell.js';
import { copyRows, swapLeadingAxes } from '../kernels/elementwise.js';
import { zeroGrads } from '../param.js';
import { Random } from '../random.js';
import { type FloatArray, type Tensor, allocate } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { RecurrentDirection } from './direction.js';
import { applyMask, drawMask } from './dropout.js';
import { ForwardStack, type ForwardWorkspace, type RecurrentOutput, type StackOptions } from './stack-forward.js';

export { STACK_OPTION_KEYS, checkLengths, pickStackOptions, type RecurrentOutput, type StackOptions } from './stack-forward.js';

export interface RecurrentGradients {
  /** dL/dx, shaped like x. */
  readonly dx: Tensor;
  /** dL/dh0 [L·D, B, H]. */
  readonly dh0: Tensor;
  /** dL/dc0 [L·D, B, H] (LSTM), else null. */
  readonly dc0: Tensor | null;
}

/** A stack's buffers for one (T, B), made by `reserve`: the forward's and BPTT's. */
export interface Workspace extends ForwardWorkspace {
  /** Per layer k < L−1: dL/d(output of layer k) [T·B, D·H], written by layer k+1. */
  dOutputs: FloatArray[];
  /** With dropout, per layer k < L−1: its mask and its dropped output (layer k+1's input) [T·B, D·H]. */
  masks: FloatArray[];
  dropped: FloatArray[];
  dx: FloatArray;
  dh0: FloatArray;
  dc0: FloatArray | null;
  /** Step-by-step runs only (see Recurrent.beginSteps): the layer-0 input [T·B, I] the caller fills. */
  xSteps: FloatArray | null;
  /** batch-first only: time-major copies of dOutput and dx. */
  dOutputT: FloatArray | null;
  dxBF: FloatArray | null;
  gradNorms: Float64Array;
  gradients: RecurrentGradients;
}

/** The stack itself, over whole sequences; LSTM, GRU, RNN and Recurrent are this with a cell chosen. */
export class RecurrentStack extends ForwardStack<RecurrentDirection> {
  /** Training mode: dropout is applied (PyTorch's default). `eval()` turns it off. */
  training = true;
  /** The generator dropout masks are drawn from (seeded by `seed`; save its state to resume exactly). */
  readonly rng: Random;
  /** Whether the last forward applied dropout. */
  private dropped = false;
  /** The forward's caches are intact (backward turns them into gradients in place). */
  protected backwardReady = false;
  protected declare ws: Workspace | null;

  /**
   * `cell` runs every layer and direction; `kind` (`RNN`, `GRU`, `LSTM`) names the operation in
   * errors. Callers check the option keys under their own name (LSTM, GRU, RNN, Recurrent).
   */
  constructor(cell: Cell, kind: string, options: StackOptions) {
    super(cell, kind, options, RecurrentDirection);
    this.rng = new Random(((options.seed ?? 0) ^ 0xd50) >>> 0);
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

  override forwardUnchecked(x: Tensor, h0?: Tensor | null, c0?: Tensor | null, lengths?: ArrayLike<number> | null): RecurrentOutput {
    this.dropped = this.dropout > 0 && this.training;
    const result = super.forwardUnchecked(x, h0, c0, lengths);
    this.backwardReady = true;
    return result;
  }

  /** In training with dropout, draws layer k's mask and drops layer k − 1's output through it. */
  protected override feed(k: number): FloatArray {
    if (this.dropped) {
      const ws = this.ws!, n = ws.T * ws.B * this.directions * this.hiddenSize;
      drawMask(ws.masks[k - 1], 0, n, this.dropout, this.rng);
      applyMask(ws.dropped[k - 1], ws.outputs[k - 1], ws.masks[k - 1], n);
    }
    return this.layerInput(k);
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

  /**
   * ‖dL/da⟨t⟩‖ (over the batch and the H units) for every layer, direction and time step of
   * the last backward: [L·D, T]. Shrinking values toward t = 0 show vanishing gradients.
   */
  gradNorms(): Tensor {
    const ws = this.last(`${this.kind}.gradNorms`, 'call forward and backward first') as Workspace;
    return { data: ws.gradNorms, shape: [this.numLayers * this.directions, ws.T] };
  }

  /** The workspace, refused (naming `op`) before a forward or once a backward used up its caches. */
  protected ready(op: string): Workspace {
    const ws = this.last(op, 'call forward before backward') as Workspace;
    if (!this.backwardReady) throw new Error(`${op}: call forward again first: each backward uses up the caches of its forward`);
    return ws;
  }

  /** The forward's buffers plus BPTT's (and dropout's, when the stack has dropout). */
  protected override workspace(T: number, B: number): Workspace {
    const H = this.hiddenSize, D = this.directions, DH = D * H, L = this.numLayers, I = this.inputSize;
    const f = (n: number) => allocate(this.dtype, n);
    const drop = () => Array.from({ length: this.dropout > 0 ? L - 1 : 0 }, () => f(T * B * DH));
    const bf = this.batchFirst, ws = super.workspace(T, B), stateShape = ws.result.hN.shape;
    const dx = f(T * B * I), dh0 = f(L * D * B * H), dc0 = this.hasCellState ? f(L * D * B * H) : null;
    const dxBF = bf ? f(T * B * I) : null;
    return {
      ...ws,
      dOutputs: Array.from({ length: L - 1 }, () => f(T * B * DH)),
      masks: drop(), dropped: drop(),
      dx, dh0, dc0,
      xSteps: null,
      dOutputT: bf ? f(T * B * DH) : null,
      dxBF,
      gradNorms: new Float64Array(L * D * T),
      gradients: {
        dx: { data: dxBF ?? dx, shape: bf ? [B, T, I] : [T, B, I] },
        dh0: { data: dh0, shape: stateShape },
        dc0: dc0 ? { data: dc0, shape: stateShape } : null,
      },
    };
  }
}
