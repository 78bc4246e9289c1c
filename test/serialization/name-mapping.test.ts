/** PyTorch names both ways (issue 14): loadStateDict and stateDictOf with a name mapping, and the hint of a failed load. */
import { expect } from 'chai';
import { SequenceModel, type Tensor, decodeSafetensors, encodeSafetensors, loadStateDict, stateDictOf } from '../../lib/index.js';
import { formatNameMapping, inferNameMapping } from '../../lib/serialization/name-mapping.js';

const build = (seed: number) => new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2, seed });

/** The state dict of a PyTorch `Net` with `self.lstm = nn.LSTM(...)` and `self.fc = nn.Linear(...)`. */
function pytorchDict(model: SequenceModel): Map<string, Tensor> {
  return new Map(model.params.map((p) => [p.name.startsWith('head.') ? p.name.replace('head.', 'fc.') : `lstm.${p.name}`, { data: p.value.slice(), shape: p.shape.slice() }]));
}

const RULES = { 'lstm.': '', 'fc.': 'head.' };

describe('state dicts: PyTorch names both ways', () => {
  it('loadStateDict with prefix rules loads a PyTorch module\'s names', () => {
    const source = build(1), target = build(2);
    loadStateDict(target.params, pytorchDict(source), { mapping: RULES });
    target.params.forEach((p, i) => expect(p.value).to.deep.equal(source.params[i].value));
  });

  it('stateDictOf with the same rules writes the PyTorch names (longest model prefix wins: head. before \'\')', () => {
    const model = build(1);
    const dict = stateDictOf(model.params, { mapping: RULES });
    expect([...dict.keys()]).to.deep.equal([
      'lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0', 'fc.weight', 'fc.bias',
    ]);
    expect(dict.get('fc.weight')!.data).to.equal(model.params[4].value); // still views
    // and back, through a file
    const target = build(3);
    loadStateDict(target.params, decodeSafetensors(encodeSafetensors(dict)).tensors, { mapping: RULES });
    target.params.forEach((p, i) => expect(p.value).to.deep.equal(model.params[i].value));
  });

  it('a function maps one name at a time, each way', () => {
    const source = build(1), target = build(2);
    const fromTorch = (name: string) => name.replace(/^lstm\./, '').replace(/^fc\./, 'head.');
    loadStateDict(target.params, pytorchDict(source), { mapping: fromTorch });
    target.params.forEach((p, i) => expect(p.value).to.deep.equal(source.params[i].value));
    expect([...stateDictOf(source.params, { mapping: (n) => `model.${n}` }).keys()][0]).to.equal('model.weight_ih_l0');
    expect(() => stateDictOf(source.params, { mapping: () => 5 as never })).to.throw(TypeError, 'stateDictOf: options.mapping("weight_ih_l0") must return a string, got 5');
  });

  it('refuses mappings that merge names or cannot be reversed, and bad kinds, changing nothing', () => {
    const source = build(1), target = build(2);
    const before = target.params.map((p) => p.value.slice());
    expect(() => loadStateDict(target.params, pytorchDict(source), { mapping: () => 'x' })).to.throw(RangeError, 'loadStateDict: options.mapping turns both "lstm.weight_ih_l0" and "lstm.weight_hh_l0" into "x"');
    expect(() => loadStateDict(target.params, pytorchDict(source), { mapping: { 'a.': '', 'b.': '' } })).to.throw(RangeError, 'maps two prefixes to ""');
    expect(() => loadStateDict(target.params, pytorchDict(source), { mapping: { 'lstm.': 0 } as never })).to.throw(TypeError, 'options.mapping["lstm."] must be a string');
    expect(() => loadStateDict(target.params, pytorchDict(source), { mapping: 'lstm.' as never })).to.throw(TypeError, 'options.mapping must be prefix rules');
    expect(() => loadStateDict(target.params, pytorchDict(source), { maping: RULES } as never)).to.throw(TypeError, 'loadStateDict: options has unknown key "maping" (did you mean "mapping"?)');
    target.params.forEach((p, i) => expect(p.value).to.deep.equal(before[i]));
  });

  it('a failed load shows the mapping that would fit: PyTorch names into rnnkit', () => {
    const target = build(2);
    expect(() => loadStateDict(target.params, pytorchDict(build(1))))
      .to.throw(RangeError, /missing "weight_ih_l0".*; unexpected "lstm\.weight_ih_l0".* \(options\.mapping \{ 'lstm\.': '', 'fc\.': 'head\.' \} would match every name\)$/);
  });

  it('a failed load shows the mapping that would fit: one prefix, either way', () => {
    const target = build(2), plain = stateDictOf(build(1).params);
    const prefixed = new Map([...plain].map(([k, v]) => [`model.${k}`, v]));
    expect(() => loadStateDict(target.params, prefixed)).to.throw(RangeError, "(options.mapping { 'model.': '' } would match every name)");
    const encoder = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2, namePrefix: 'enc.' });
    expect(() => loadStateDict(encoder.params, plain)).to.throw(RangeError, "(options.mapping { '': 'enc.' } would match every name)");
  });

  it('no misleading hint: missing names alone name no strict: false, and no mapping when none fits', () => {
    const target = build(2), dict = stateDictOf(build(1).params);
    dict.delete('head.bias');
    let message = '';
    try { loadStateDict(target.params, dict, { strict: false }); } catch (e) { message = (e as Error).message; }
    expect(message).to.equal('loadStateDict: the state dict does not match the model\'s 6 parameters: missing "head.bias"');
    dict.set('something.else', dict.get('head.weight')!);
    try { loadStateDict(target.params, dict); } catch (e) { message = (e as Error).message; }
    expect(message).to.equal('loadStateDict: the state dict does not match the model\'s 6 parameters: missing "head.bias"; unexpected "something.else"');
  });

  it('inferNameMapping pairs names by their shared trailing segments and checks the rules reproduce every name', () => {
    expect(inferNameMapping(['lstm.weight_ih_l0', 'fc.weight'], ['weight_ih_l0', 'head.weight'])).to.deep.equal({ 'lstm.': '', 'fc.': 'head.' });
    expect(inferNameMapping(['a.x', 'b.x'], ['x', 'y'])).to.equal(null);
    expect(inferNameMapping(['a.x'], ['x', 'y'])).to.equal(null);
    expect(inferNameMapping([], [])).to.equal(null);
    expect(inferNameMapping(['p.q'], ['r.s'])).to.equal(null);
    expect(formatNameMapping({ "it's.": '' })).to.equal("{ 'it\\'s.': '' }");
  });
});
