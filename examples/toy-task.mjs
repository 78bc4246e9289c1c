// A built-in toy sequence task for the examples: learn to spell a short looping text, one
// character at a time (a character-level language model, as in min-char-rnn).
// Plain data helpers only: no rnnkit import here, so each example shows how its own runtime
// loads rnnkit. Tensors are rnnkit's { data: Float32Array, shape } objects.

/** The text to learn; it repeats, so every position has a next character. */
export const TEXT = 'hello world! rnnkit learns to spell. ';

/** The characters of TEXT, each once, in first-seen order; V = VOCAB.length. */
export const VOCAB = [...new Set(TEXT)];

const index = new Map(VOCAB.map((ch, i) => [ch, i]));

/**
 * One training batch: B windows of T characters starting at different places in the looping
 * text (shifted by `step`, so successive batches differ).
 *   x [T, B, V]: one-hot characters      target [T, B]: the index of the next character
 */
export function makeBatch(step, T = 16, B = 8) {
  const V = VOCAB.length, n = TEXT.length;
  const x = new Float32Array(T * B * V);
  const target = new Float32Array(T * B);
  for (let b = 0; b < B; b++) {
    const start = (step * 7 + b * Math.floor(n / B)) % n;
    for (let t = 0; t < T; t++) {
      x[(t * B + b) * V + index.get(TEXT[(start + t) % n])] = 1;
      target[t * B + b] = index.get(TEXT[(start + t + 1) % n]);
    }
  }
  return { x: { data: x, shape: [T, B, V] }, target: { data: target, shape: [T, B] } };
}

/**
 * Greedy generation: feeds `prompt` to the model one character at a time, carrying the
 * recurrent state (h, and c for an LSTM), then appends the most likely next character
 * `length` times. `model` is an rnnkit SequenceModel (many_to_many, cross-entropy).
 */
export function sample(model, prompt, length) {
  const V = VOCAB.length;
  const x = { data: new Float32Array(V), shape: [1, 1, V] };
  let h0 = null, c0 = null;
  let out = prompt, next = index.get(prompt[0]);
  for (let i = 0; i < prompt.length + length - 1; i++) {
    const ch = i < prompt.length ? index.get(prompt[i]) : next;
    x.data.fill(0);
    x.data[ch] = 1;
    const { y, state } = model.forward(x, { h0, c0 });
    // the state tensors are views into the model's buffers: copy before the next call
    h0 = { data: state.hN.data.slice(), shape: state.hN.shape.slice() };
    c0 = state.cN ? { data: state.cN.data.slice(), shape: state.cN.shape.slice() } : null;
    next = 0;
    for (let v = 1; v < V; v++) if (y.data[v] > y.data[next]) next = v;
    if (i >= prompt.length - 1) out += VOCAB[next];
  }
  return out;
}
