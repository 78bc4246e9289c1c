/** lib/validate.ts: strict options and the closest-key suggestion (issue 14). */
import { expect } from 'chai';
import { GRU, LSTM, RNN, Recurrent, SequenceModel } from '../lib/index.js';
import { checkKeys, checkOptions, closestKey, editDistance } from '../lib/validate.js';
import { allocate } from '../lib/tensor.js';
import { pickStackOptions } from '../lib/layers/stack.js';

describe('validate: strict options', () => {
  it('editDistance counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('', '')).to.equal(0);
    expect(editDistance('abc', '')).to.equal(3);
    expect(editDistance('topolgy', 'topology')).to.equal(1);
    expect(editDistance('bidirectonal', 'bidirectional')).to.equal(1);
    expect(editDistance('hte', 'the')).to.equal(1);
    expect(editDistance('kitten', 'sitting')).to.equal(3);
  });

  it('closestKey ignores case and underscores, and suggests nothing when no key is close', () => {
    const keys = ['optimizer', 'clipNorm', 'clipValue', 'nonFinite'];
    expect(closestKey('clipnorm', keys)).to.equal('clipNorm');
    expect(closestKey('clip_value', keys)).to.equal('clipValue');
    expect(closestKey('optimiser', keys)).to.equal('optimizer');
    expect(closestKey('dropout', keys)).to.equal(null);
    expect(closestKey('x', ['y'])).to.equal('y'); // one letter off is close for any length
    expect(closestKey('xy', ['ab'])).to.equal(null);
  });

  it('checkOptions names the unknown key and the closest known one, as a TypeError', () => {
    expect(() => checkOptions('SequenceModel', { topolgy: 'many_to_one' }, ['topology', 'loss']))
      .to.throw(TypeError, 'SequenceModel: options has unknown key "topolgy" (did you mean "topology"?)');
    expect(() => checkOptions('Op', { zzz: 1 }, ['topology', 'loss'])).to.throw(TypeError, 'Op: options has unknown key "zzz"; the keys are "topology", "loss"');
    expect(() => checkOptions('Op', null as never, ['a'])).to.throw(TypeError, 'Op: options must be an object, got null');
    expect(() => checkOptions('Op', [] as never, ['a'])).to.throw(TypeError, 'Op: options must be an object, got an array of length 0');
    expect(() => checkOptions('Op', undefined, ['a'])).to.throw(TypeError, 'must be an object');
    expect(checkOptions('Op', undefined, ['a'], true)).to.deep.equal({});
    const o = { a: 1 };
    expect(checkOptions('Op', o, ['a', 'b'])).to.equal(o);
  });

  it('checkKeys keeps its message and adds the suggestion after the list', () => {
    expect(() => checkKeys('Adam', 'options', { beta1: 0.9 }, ['lr', 'betas']))
      .to.throw(TypeError, 'Adam: options has an unknown key "beta1"; the keys are "lr", "betas" (did you mean "betas"?)');
    expect(() => checkKeys('Adam', 'options', { foo: 0.9 }, ['lr', 'betas'], RangeError))
      .to.throw(RangeError, /the keys are "lr", "betas"$/);
  });

  it('the layers refuse misspelt and foreign keys, before building anything', () => {
    expect(() => new GRU({ inputSize: 4, hiddenSize: 3, bidirectonal: true } as never)).to.throw(TypeError, 'GRU: options has unknown key "bidirectonal" (did you mean "bidirectional"?)');
    expect(() => new LSTM({ inputSize: 4, hiddenSize: 3, batch_first: true } as never)).to.throw(TypeError, 'LSTM: options has unknown key "batch_first" (did you mean "batchFirst"?)');
    expect(() => new RNN({ inputSize: 4, hiddenSize: 3, nonLinearity: 'relu' } as never)).to.throw(TypeError, 'did you mean "nonlinearity"?');
    expect(() => new Recurrent({ mode: 'gru', inputSize: 4, hiddenSize: 3, nonlinearity: 'relu' } as never)).to.throw(TypeError, 'Recurrent: options has unknown key "nonlinearity"');
    // the good spellings still work, and RNN still takes its nonlinearity
    expect(new GRU({ inputSize: 4, hiddenSize: 3, bidirectional: true }).bidirectional).to.equal(true);
    expect(new RNN({ inputSize: 4, hiddenSize: 3, nonlinearity: 'relu' }).mode).to.equal('rnn_relu');
  });

  it('SequenceModel refuses a misspelt or unknown key, suggesting the closest', () => {
    const base = { mode: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 2 };
    expect(() => new SequenceModel({ ...base, topolgy: 'many_to_one' } as never)).to.throw(TypeError, 'SequenceModel: options has unknown key "topolgy" (did you mean "topology"?)');
    expect(() => new SequenceModel({ ...base, dropuot: 0.5 } as never)).to.throw(TypeError, 'SequenceModel: options has unknown key "dropuot" (did you mean "dropout"?)');
    const m = new SequenceModel({ ...base, topology: 'many_to_one', loss: 'mse', outputActivation: 'tanh', dropout: 0 });
    expect(m.rnn.hiddenSize).to.equal(4);
  });

  it('pickStackOptions keeps only the stack\'s keys of a model\'s options (what SequenceModel hands on, beside the mode)', () => {
    const options = { mode: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 2, topology: 'many_to_one', loss: 'mse', namePrefix: 'dec.' };
    expect(pickStackOptions(options)).to.deep.equal({ inputSize: 3, hiddenSize: 4, namePrefix: 'dec.' });
    expect(new Recurrent({ ...pickStackOptions(options), mode: 'gru', batchFirst: false }).params[0].name).to.equal('dec.weight_ih_l0');
  });

  it('sizes whose buffers cannot be allocated are an rnnkit RangeError naming the operation and the size', () => {
    expect(() => new GRU({ inputSize: 4, hiddenSize: 1e9 })).to.throw(RangeError, 'GRU: weight_ih_l0 [3000000000, 4] would take 48000000000 bytes as float32, more than the 2147483648-byte limit of one buffer');
    expect(() => new LSTM({ inputSize: 1e9, hiddenSize: 2, namePrefix: 'enc.' })).to.throw(RangeError, 'LSTM: enc.weight_ih_l0 [8, 1000000000]');
    expect(() => new RNN({ inputSize: 4, hiddenSize: 20000, numLayers: 2, bidirectional: true, dtype: 'float64' })).to.throw(RangeError, 'RNN: weight_hh_l0 [20000, 20000] would take 3200000000 bytes as float64');
    expect(() => new SequenceModel({ mode: 'gru', inputSize: 4, hiddenSize: 2, outputSize: 1e9 })).to.throw(RangeError, 'head.weight [1000000000, 2]');
    expect(() => allocate('float64', 2 ** 40)).to.throw(RangeError, /^allocate: cannot allocate 1099511627776 float64 entries \(8796093022208 bytes\): /);
  });
});
