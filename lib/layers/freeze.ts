/**
 * Frozen weights. A layer that packs its weights for every forward (a recurrent direction, the
 * output head, attention) can keep what its first forward packed while it is frozen, so that a
 * loop of one time step per call (generation, beam search, greedy decoding) packs its weights
 * once instead of at every step. Nothing may change a weight while the layer is frozen: its
 * forwards would not see the change.
 *
 * The models and the stacks freeze their parts with `withFrozenWeights(fn)` (a stack, by its
 * directions), e.g. a stream of one frame per call through a GRU, h0 carrying the state:
 *
 *     gru.withFrozenWeights(() => {
 *       for (const x of frames) h0.data.set(gru.forward(x, h0).hN.data);
 *     });
 */
export interface Freezable {
  /** `true`: from the next forward on, keep the packed weights; `false`: pack at every forward again. */
  freeze(on: boolean): void;
}

/** The parts a `withFrozen` call has frozen and not yet thawed. */
const frozen = new Set<Freezable>();

/**
 * Runs `fn` with every part frozen and thaws them afterwards, also when fn throws; returns what
 * fn returns. A call inside another (`generate` inside a model's `withFrozenWeights`) leaves the
 * parts the outer call froze to it: they stay frozen until the outer call returns.
 */
export function withFrozen<T>(parts: readonly (Freezable | null)[], fn: () => T): T {
  const mine = parts.filter((part): part is Freezable => part !== null && !frozen.has(part));
  for (const part of mine) {
    part.freeze(true);
    frozen.add(part);
  }
  try {
    return fn();
  } finally {
    for (const part of mine) {
      part.freeze(false);
      frozen.delete(part);
    }
  }
}
