#!/usr/bin/env python3
"""
Writes random rnn-reference/1 fixtures of all three kinds (random sizes from 1 up, every
option of the format drawn at random: cells, layers, directions, bias, embeddings with and
without padding_idx, losses, topologies, optimizers and their options, weight decay,
clipping, schedules; seq2seq attention types, input feeding, bidirectional encoders and
source/target lengths from 1) with scripts/make-reference.py, for checking rnnkit on
"any file of the format". PyTorch only; never run by `npm test`:

    python3 scripts/fuzz-reference.py --seed 7 --out-dir /tmp/fuzz
    npx rnnkit reference /tmp/fuzz --dtype float64 --tol 1e-12
    npx rnnkit reference /tmp/fuzz
"""
import argparse
import importlib.util
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('make_reference', os.path.join(HERE, 'make-reference.py'))
mr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mr)

ap = argparse.ArgumentParser(description='Random rnn-reference/1 fixtures of every kind.')
ap.add_argument('--seed', type=int, default=7)
ap.add_argument('--out-dir', required=True)
ap.add_argument('--layers', type=int, default=25, help='how many layer fixtures')
ap.add_argument('--models', type=int, default=60, help='how many model fixtures')
ap.add_argument('--seq2seq', type=int, default=60, help='how many seq2seq fixtures')
opts = ap.parse_args()
os.makedirs(opts.out_dir, exist_ok=True)
R = random.Random(opts.seed)
n = 0


def run(name, args):
    global n
    n += 1
    mr.main(args + ['--seed', str(R.randrange(10**6)), '--out', os.path.join(opts.out_dir, name + '.json')])


for i in range(opts.layers):
    mode = R.choice(mr.MODES)
    a = ['--kind', 'layer', '--mode', mode, '--input-size', str(R.randint(1, 4)), '--hidden-size', str(R.randint(1, 4)),
         '--layers', str(R.randint(1, 3)), '--seq-len', str(R.randint(1, 5)), '--batch', str(R.randint(1, 3))]
    if R.random() < .5: a.append('--bidirectional')
    if R.random() < .3: a.append('--no-bias')
    run('layer_%02d_%s' % (i, mode), a)
for i in range(opts.models):
    mode = R.choice(mr.MODES)
    opt = R.choice(mr.OPTIMIZERS)
    a = ['--kind', 'model', '--mode', mode, '--hidden-size', str(R.randint(1, 4)), '--layers', str(R.randint(1, 2)),
         '--seq-len', str(R.randint(1, 5)), '--batch', str(R.randint(1, 4)), '--output-size', str(R.randint(1, 4)),
         '--topology', R.choice(['many_to_many', 'many_to_one']), '--loss', R.choice(['cross_entropy', 'mse', 'bce']),
         '--optimizer', opt, '--steps', str(R.randint(1, 5))]
    if R.random() < .5: a.append('--bidirectional')
    if R.random() < .25: a.append('--no-bias')
    if R.random() < .5:
        N = R.randint(2, 8); E = R.randint(1, 4)
        a += ['--embedding', '%d,%d' % (N, E) + (',%d' % R.randrange(N) if R.random() < .6 else '')]
        if R.random() < .5: a += ['--padding-row', 'random']
    else:
        a += ['--input-size', str(R.randint(1, 4))]
    if R.random() < .5: a += ['--weight-decay', str(R.choice([0.01, 0.1, 0.3]))]
    if opt == 'sgd_momentum':
        a += ['--momentum', str(R.choice([0.5, 0.9]))]
        if R.random() < .4: a.append('--nesterov')
        elif R.random() < .5: a += ['--dampening', '0.3']
    if opt in ('adam', 'adamw') and R.random() < .5: a.append('--amsgrad')
    if opt == 'rmsprop':
        if R.random() < .5: a.append('--centered')
        if R.random() < .5: a += ['--momentum', '0.6']
    if opt == 'adagrad' and R.random() < .5: a += ['--lr-decay', '0.1', '--initial-accumulator-value', '0.05']
    if R.random() < .3: a += ['--clip-norm', str(R.choice([0.1, 1.0]))]
    if R.random() < .3: a += ['--clip-value', str(R.choice([0.01, 0.1]))]
    s = R.choice([None, None, 'step_lr', 'exponential_lr', 'cosine_annealing_lr'])
    if s: a += ['--scheduler', s, '--step-size', str(R.randint(1, 3)), '--gamma', '0.7', '--t-max', str(R.randint(1, 3)), '--eta-min', str(R.choice([0.0, 0.001]))]
    run('model_%02d_%s_%s' % (i, mode, opt), a)
for i in range(opts.seq2seq):
    mode = R.choice(mr.MODES); att = R.choice(mr.ATTENTIONS)
    B = R.randint(1, 4); S = R.randint(1, 5); T = R.randint(1, 5)
    a = ['--kind', 'seq2seq', '--mode', mode, '--attention', att, '--layers', str(R.randint(1, 3)), '--src-vocab', str(R.randint(2, 7)),
         '--tgt-vocab', str(R.randint(3, 7)), '--embedding-dim', str(R.randint(1, 4)), '--hidden-size', str(R.randint(1, 3)),
         '--src-len', str(S), '--tgt-len', str(T), '--batch', str(B),
         '--src-lengths', ','.join(str(R.randint(1, S)) for _ in range(B)), '--tgt-lengths', ','.join(str(R.randint(1, T)) for _ in range(B))]
    if R.random() < .5: a.append('--input-feed')
    if R.random() < .5: a.append('--bidirectional-encoder')
    run('seq2seq_%02d_%s_%s' % (i, mode, att), a)
print('%d fixtures in %s' % (n, opts.out_dir), file=sys.stderr)
