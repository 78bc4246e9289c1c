#!/usr/bin/env python3
"""
Writes `rnn-reference/1` fixtures (see ../shared/reference/README.md) with PyTorch in float64:
all three kinds (`layer`, `model`, `seq2seq`) and every option of the format, from
command-line options. PyTorch only (no other dependency); `npm test` never runs it.

    python3 scripts/make-reference.py --kind layer --mode lstm --input-size 3 --hidden-size 4 \\
        --layers 2 --bidirectional --seq-len 5 --batch 2 --seed 1 --out my_layer.json

    python3 scripts/make-reference.py --kind model --mode gru --embedding 11,5,0 \\
        --topology many_to_one --loss cross_entropy --optimizer adamw --lr 0.02 \\
        --weight-decay 0.05 --amsgrad --scheduler cosine_annealing_lr --t-max 2 --steps 5 \\
        --out my_model.json

    python3 scripts/make-reference.py --kind seq2seq --mode lstm --attention mlp --input-feed \\
        --bidirectional-encoder --layers 2 --src-vocab 7 --tgt-vocab 6 --embedding-dim 4 \\
        --hidden-size 3 --src-len 5 --tgt-len 4 --batch 3 --out my_seq2seq.json

    python3 scripts/make-reference.py --verify ../shared/reference/*.json

`--verify FILE…` rebuilds each file from its own config, params and inputs (and upstream
gradients) with the functions that write new fixtures, and reports the largest absolute
and relative difference of every computed value (expected, grads, steps) and whether the
rebuilt file has exactly the same keys, in the same order, and shapes. It exits non-zero
when a difference exceeds --tol (default 1e-12, relative to max(max|expected|, 1e-3)).

Semantics (the README's): float64 throughout; the loss is summed over time steps and outputs
and divided by the batch; PyTorch's gate orders and parameter names; the model's scheduler
is stepped after every optimizer step and `steps[s].lr` is the rate step s used (written when
a scheduler or weight decay is configured); clipping by norm, then by value; `bias: false`
means no bias tensors at all (the head's included). seq2seq: packed
variable-length encoder (outputs zero past a row's length, never attended), the decoder's
initial state per layer [h_fwd; h_bwd] (and so for c), decoder input [emb; h̃⟨t−1⟩] with input
feeding, Luong scores dot / general / mlp (v·tanh(W_q h + b_q + W_c h̄)), h̃ = tanh(W_out [c; h])
without bias, logits from h̃, token 0 padding, start token 1, cross-entropy summed over the
positions whose tgt_out is not 0, divided by B.
"""
import argparse
import json
import math
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)

FORMAT = 'rnn-reference/1'
GENERATOR = 'torch %s float64' % torch.__version__
MODES = ('rnn_tanh', 'rnn_relu', 'gru', 'lstm')
GATES = {'rnn_tanh': 1, 'rnn_relu': 1, 'gru': 3, 'lstm': 4}
OPTIMIZERS = ('sgd', 'sgd_momentum', 'adam', 'adamw', 'rmsprop', 'adagrad')
SCHEDULERS = ('step_lr', 'exponential_lr', 'cosine_annealing_lr')
ATTENTIONS = ('none', 'dot', 'general', 'mlp')


# ——— tensors in the file format ———

def enc(t):
    """A tensor as {"shape", "data"} (integers stay integers)."""
    t = t.detach()
    return {'shape': list(t.shape), 'data': t.reshape(-1).tolist()}


def dec(obj, dtype=torch.float64):
    return torch.tensor(obj['data'], dtype=dtype).reshape(obj['shape'])


def dec_int(obj):
    return dec(obj, torch.long)


# ——— recurrent stacks ———

def make_rnn(mode, input_size, hidden_size, num_layers, bidirectional, bias):
    kw = dict(num_layers=num_layers, bidirectional=bidirectional, bias=bias)
    if mode == 'lstm':
        return nn.LSTM(input_size, hidden_size, **kw)
    if mode == 'gru':
        return nn.GRU(input_size, hidden_size, **kw)
    return nn.RNN(input_size, hidden_size, nonlinearity='tanh' if mode == 'rnn_tanh' else 'relu', **kw)


def load_into(module, params, prefix=''):
    """Copies params[prefix + name] into every parameter of module (all must be there)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            src = params[prefix + name]
            if tuple(src.shape) != tuple(p.shape):
                raise ValueError('%s%s: shape %s, module wants %s' % (prefix, name, list(src.shape), list(p.shape)))
            p.copy_(src)


def named(module, prefix=''):
    return [(prefix + n, p) for n, p in module.named_parameters()]


# ——— kind: layer ———

def layer_fixture(name, cfg, params, inputs, upstream):
    """The whole fixture: config, params, inputs, upstream, expected, grads."""
    lstm = cfg['mode'] == 'lstm'
    rnn = make_rnn(cfg['mode'], cfg['input_size'], cfg['hidden_size'], cfg['num_layers'], cfg['bidirectional'], cfg['bias'])
    load_into(rnn, params)
    x = inputs['x'].clone().requires_grad_(True)
    h0 = inputs['h0'].clone().requires_grad_(True)
    if lstm:
        c0 = inputs['c0'].clone().requires_grad_(True)
        out, (hn, cn) = rnn(x, (h0, c0))
    else:
        out, hn = rnn(x, h0)
    loss = (out * upstream['output']).sum() + (hn * upstream['h_n']).sum()
    if lstm:
        loss = loss + (cn * upstream['c_n']).sum()
    loss.backward()
    expected = OrderedDict([('output', enc(out)), ('h_n', enc(hn)), ('loss', loss.item())])
    if lstm:
        expected['c_n'] = enc(cn)
    grads = OrderedDict([('x', enc(x.grad)), ('h0', enc(h0.grad))])
    if lstm:
        grads['c0'] = enc(c0.grad)
    for n, p in rnn.named_parameters():
        grads[n] = enc(p.grad)
    return OrderedDict([
        ('format', FORMAT), ('kind', 'layer'), ('name', name), ('generator', GENERATOR), ('config', cfg),
        ('params', OrderedDict((n, enc(p)) for n, p in named(rnn))),
        ('inputs', OrderedDict((k, enc(v)) for k, v in inputs.items())),
        ('upstream', OrderedDict((k, enc(v)) for k, v in upstream.items())),
        ('expected', expected), ('grads', grads),
    ])


def random_layer(args, cfg):
    rnn = make_rnn(cfg['mode'], cfg['input_size'], cfg['hidden_size'], cfg['num_layers'], cfg['bidirectional'], cfg['bias'])
    params = OrderedDict((n, p.detach().clone()) for n, p in named(rnn))
    T, B, H, LD = cfg['seq_len'], cfg['batch'], cfg['hidden_size'], cfg['num_layers'] * (2 if cfg['bidirectional'] else 1)
    DH = H * (2 if cfg['bidirectional'] else 1)
    inputs = OrderedDict([('x', torch.randn(T, B, cfg['input_size'])), ('h0', torch.randn(LD, B, H) * 0.5)])
    if cfg['mode'] == 'lstm':
        inputs['c0'] = torch.randn(LD, B, H) * 0.5
    upstream = OrderedDict([('output', torch.randn(T, B, DH)), ('h_n', torch.randn(LD, B, H))])
    if cfg['mode'] == 'lstm':
        upstream['c_n'] = torch.randn(LD, B, H)
    return params, inputs, upstream


# ——— kind: model ———

class SequenceNet(nn.Module):
    """[embedding →] recurrent stack (zero initial state) → head, as the README's model."""

    def __init__(self, cfg, head_bias=None):
        super().__init__()
        e = cfg.get('embedding')
        self.embedding = nn.Embedding(e['num_embeddings'], e['embedding_dim'], padding_idx=e['padding_idx']) if e else None
        self.rnn = make_rnn(cfg['mode'], cfg['input_size'], cfg['hidden_size'], cfg['num_layers'], cfg['bidirectional'], cfg['bias'])
        D = 2 if cfg['bidirectional'] else 1
        # `bias: false` means "no bias tensors at all" (the README's words): by default the head has
        # none either; head_bias=True keeps nn.Linear's bias (the other reading; rnnkit reads
        # which one a file uses from whether its params hold head.bias)
        self.head = nn.Linear(D * cfg['hidden_size'], cfg['output_size'], bias=cfg['bias'] if head_bias is None else head_bias)
        self.many_to_one = cfg['topology'] == 'many_to_one'

    def named(self):
        """The parameters by the file's names, in the file's order."""
        out = []
        if self.embedding is not None:
            out.append(('embedding.weight', self.embedding.weight))
        out += named(self.rnn)
        out += [('head.weight', self.head.weight)]
        if self.head.bias is not None:
            out.append(('head.bias', self.head.bias))
        return out

    def forward(self, x):
        if self.embedding is not None:
            x = self.embedding(x)
        out, _ = self.rnn(x)  # zero initial states
        if self.many_to_one:
            out = out[-1]
        return self.head(out)


def model_loss(cfg, logits, y):
    B = cfg['batch']
    if cfg['loss'] == 'cross_entropy':
        V = logits.shape[-1]
        return F.cross_entropy(logits.reshape(-1, V), y.reshape(-1), reduction='sum') / B
    if cfg['loss'] == 'mse':
        return ((logits - y) ** 2).sum() / B
    if cfg['loss'] == 'bce':
        return F.binary_cross_entropy_with_logits(logits, y, reduction='sum') / B
    raise ValueError('unknown loss %r' % cfg['loss'])


def make_optimizer(spec, params):
    spec = dict(spec)
    name = spec.pop('name')
    lr = spec.pop('lr')
    if name in ('sgd', 'sgd_momentum'):
        return torch.optim.SGD(params, lr=lr, momentum=spec.pop('momentum', 0), dampening=spec.pop('dampening', 0),
                               nesterov=spec.pop('nesterov', False), weight_decay=spec.pop('weight_decay', 0), **spec)
    if name == 'adam':
        return torch.optim.Adam(params, lr=lr, **_betas(spec))
    if name == 'adamw':
        return torch.optim.AdamW(params, lr=lr, **_betas(spec))
    if name == 'rmsprop':
        return torch.optim.RMSprop(params, lr=lr, **spec)
    if name == 'adagrad':
        return torch.optim.Adagrad(params, lr=lr, **spec)
    raise ValueError('unknown optimizer %r' % name)


def _betas(spec):
    if 'betas' in spec:
        spec['betas'] = tuple(spec['betas'])
    return spec


def make_scheduler(spec, opt):
    if spec is None:
        return None
    name = spec['name']
    if name == 'step_lr':
        return torch.optim.lr_scheduler.StepLR(opt, step_size=spec['step_size'], gamma=spec['gamma'])
    if name == 'exponential_lr':
        return torch.optim.lr_scheduler.ExponentialLR(opt, gamma=spec['gamma'])
    if name == 'cosine_annealing_lr':
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=spec['t_max'], eta_min=spec['eta_min'])
    raise ValueError('unknown scheduler %r' % name)


def model_fixture(name, cfg, params, inputs):
    """Trains cfg['steps'] steps on one batch, recording every step as the README says."""
    net = SequenceNet(cfg, head_bias='head.bias' in params)
    plist = net.named()
    with torch.no_grad():
        for n, p in plist:
            p.copy_(params[n])
    x, y = inputs['x'], inputs['y']
    opt = make_optimizer(cfg['optimizer'], [p for _, p in plist])
    sched = make_scheduler(cfg.get('scheduler'), opt)
    record_lr = cfg.get('scheduler') is not None or cfg['optimizer'].get('weight_decay', 0) != 0 or cfg['optimizer']['name'] == 'adamw'
    steps = []
    for _ in range(cfg['steps']):
        lr = opt.param_groups[0]['lr']
        for _, p in plist:
            p.grad = None
        loss = model_loss(cfg, net(x), y)
        loss.backward()
        grads = OrderedDict((n, enc(p.grad)) for n, p in plist)
        grad_norm = torch.norm(torch.stack([torch.norm(p.grad.detach(), 2.0) for _, p in plist]), 2.0).item()
        if cfg['clip_norm'] is not None:
            torch.nn.utils.clip_grad_norm_([p for _, p in plist], cfg['clip_norm'])
        if cfg['clip_value'] is not None:
            torch.nn.utils.clip_grad_value_([p for _, p in plist], cfg['clip_value'])
        clipped = OrderedDict((n, enc(p.grad)) for n, p in plist)
        opt.step()
        if sched is not None:
            sched.step()
        step = OrderedDict([('loss', loss.item()), ('grad_norm', grad_norm), ('grads', grads), ('clipped_grads', clipped),
                            ('params_after', OrderedDict((n, enc(p)) for n, p in plist))])
        if record_lr:
            step['lr'] = lr
        steps.append(step)
    return OrderedDict([
        ('format', FORMAT), ('kind', 'model'), ('name', name), ('generator', GENERATOR), ('config', cfg),
        ('params', OrderedDict((n, enc(params[n])) for n, _ in plist)),
        ('inputs', OrderedDict((k, enc(v)) for k, v in inputs.items())),
        ('steps', steps),
    ])


def random_model(args, cfg):
    net = SequenceNet(cfg, head_bias=True if args.head_bias else None)
    params = OrderedDict((n, p.detach().clone()) for n, p in net.named())
    T, B, V = cfg['seq_len'], cfg['batch'], cfg['output_size']
    e = cfg.get('embedding')
    if e:
        x = torch.randint(0, e['num_embeddings'], (T, B))
        p = e['padding_idx']
        if p is not None:
            if args.padding_row == 'random':
                params['embedding.weight'][p] = torch.randn(e['embedding_dim'])
            # make sure the padding id occurs: trailing padding in the first row, one inside the last
            x[T // 2:, 0] = p
            x[0, B - 1] = p
    else:
        x = torch.randn(T, B, cfg['input_size'])
    shape = (T, B) if cfg['topology'] == 'many_to_many' else (B,)
    if cfg['loss'] == 'cross_entropy':
        y = torch.randint(0, V, shape)
    elif cfg['loss'] == 'mse':
        y = torch.randn(*shape, V)
    else:
        y = torch.randint(0, 2, shape + (V,)).to(torch.float64)
    return params, OrderedDict([('x', x), ('y', y)])


# ——— kind: seq2seq ———

class Seq2Seq(nn.Module):
    """The README's encoder–decoder with global attention (Luong et al. 2015)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        E, H, L, mode = cfg['embedding_dim'], cfg['hidden_size'], cfg['num_layers'], cfg['mode']
        self.D = 2 if cfg['bidirectional_encoder'] else 1
        Hd = self.D * H
        self.Hd = Hd
        pad = cfg['padding_idx']
        self.enc_emb = nn.Embedding(cfg['src_vocab'], E, padding_idx=pad)
        self.enc_rnn = make_rnn(mode, E, H, L, cfg['bidirectional_encoder'], True)
        self.dec_emb = nn.Embedding(cfg['tgt_vocab'], E, padding_idx=pad)
        self.dec_rnn = make_rnn(mode, E + (Hd if cfg['input_feed'] else 0), Hd, L, False, True)
        att = cfg['attention']
        self.att = OrderedDict()
        if att == 'general':
            self.att['linear_in.weight'] = nn.Parameter(nn.Linear(Hd, Hd, bias=False).weight.detach().clone())
        elif att == 'mlp':
            q = nn.Linear(Hd, Hd)
            self.att['linear_query.weight'] = nn.Parameter(q.weight.detach().clone())
            self.att['linear_query.bias'] = nn.Parameter(q.bias.detach().clone())
            self.att['linear_context.weight'] = nn.Parameter(nn.Linear(Hd, Hd, bias=False).weight.detach().clone())
            self.att['v.weight'] = nn.Parameter(nn.Linear(Hd, 1, bias=False).weight.detach().clone())
        if att != 'none':
            self.att['linear_out.weight'] = nn.Parameter(nn.Linear(2 * Hd, Hd, bias=False).weight.detach().clone())
        for k, p in self.att.items():
            self.register_parameter('att_' + k.replace('.', '_'), p)
        self.head = nn.Linear(Hd, cfg['tgt_vocab'])

    def named(self):
        out = [('encoder.embedding.weight', self.enc_emb.weight)]
        out += named(self.enc_rnn, 'encoder.')
        out += [('decoder.embedding.weight', self.dec_emb.weight)]
        out += named(self.dec_rnn, 'decoder.')
        out += [('decoder.attention.' + k, p) for k, p in self.att.items()]
        out += [('decoder.head.weight', self.head.weight), ('decoder.head.bias', self.head.bias)]
        return out

    def bridge(self, h):
        """[L·D, B, H] → [L, B, D·H]: per layer the forward and backward final states side by side."""
        if self.D == 1:
            return h
        L = self.cfg['num_layers']
        return torch.stack([torch.cat([h[2 * l], h[2 * l + 1]], dim=-1) for l in range(L)])

    def forward(self, src, src_lengths, tgt_in):
        cfg = self.cfg
        S, B = src.shape
        lstm = cfg['mode'] == 'lstm'
        packed = pack_padded_sequence(self.enc_emb(src), src_lengths, enforce_sorted=False)
        out, state = self.enc_rnn(packed)
        memory, _ = pad_packed_sequence(out, total_length=S)  # [S, B, Hd], zero past each length
        memory = memory.transpose(0, 1)  # [B, S, Hd]
        state = (self.bridge(state[0]), self.bridge(state[1])) if lstm else self.bridge(state)
        mask = torch.arange(S).unsqueeze(0) >= src_lengths.unsqueeze(1)  # [B, S] True at padding
        att = cfg['attention']
        htilde = torch.zeros(B, self.Hd)
        logits, alphas = [], []
        for t in range(tgt_in.shape[0]):
            inp = self.dec_emb(tgt_in[t])
            if cfg['input_feed']:
                inp = torch.cat([inp, htilde], dim=-1)
            o, state = self.dec_rnn(inp.unsqueeze(0), state)
            h = o[0]  # top layer [B, Hd]
            if att == 'none':
                htilde = h
            else:
                if att == 'dot':
                    scores = torch.bmm(memory, h.unsqueeze(2)).squeeze(2)
                elif att == 'general':
                    q = h @ self.att['linear_in.weight'].t()
                    scores = torch.bmm(memory, q.unsqueeze(2)).squeeze(2)
                else:  # mlp
                    q = h @ self.att['linear_query.weight'].t() + self.att['linear_query.bias']  # [B, Hd]
                    k = memory @ self.att['linear_context.weight'].t()  # [B, S, Hd]
                    scores = (torch.tanh(q.unsqueeze(1) + k) @ self.att['v.weight'].t()).squeeze(2)
                alpha = torch.softmax(scores.masked_fill(mask, float('-inf')), dim=-1)
                c = torch.bmm(alpha.unsqueeze(1), memory).squeeze(1)
                htilde = torch.tanh(torch.cat([c, h], dim=-1) @ self.att['linear_out.weight'].t())
                alphas.append(alpha)
            logits.append(self.head(htilde))
        return torch.stack(logits), (torch.stack(alphas) if alphas else None)


def seq2seq_fixture(name, cfg, params, inputs):
    model = Seq2Seq(cfg)
    plist = model.named()
    with torch.no_grad():
        for n, p in plist:
            if tuple(params[n].shape) != tuple(p.shape):
                raise ValueError('%s: shape %s, model wants %s' % (n, list(params[n].shape), list(p.shape)))
            p.copy_(params[n])
    logits, alpha = model(inputs['src'], inputs['src_lengths'], inputs['tgt_in'])
    tgt_out = inputs['tgt_out']
    V = cfg['tgt_vocab']
    loss = F.cross_entropy(logits.reshape(-1, V), tgt_out.reshape(-1), ignore_index=0, reduction='sum') / cfg['batch']
    loss.backward()
    expected = OrderedDict([('logits', enc(logits)), ('loss', loss.item())])
    if alpha is not None:
        expected['attention'] = enc(alpha)
    return OrderedDict([
        ('format', FORMAT), ('kind', 'seq2seq'), ('name', name), ('generator', GENERATOR), ('config', cfg),
        ('params', OrderedDict((n, enc(params[n])) for n, _ in plist)),
        ('inputs', OrderedDict((k, enc(v)) for k, v in inputs.items())),
        ('expected', expected),
        ('grads', OrderedDict((n, enc(p.grad if p.grad is not None else torch.zeros_like(p))) for n, p in plist)),
    ])


def parse_lengths(text, n, hi, what):
    if text is None:
        return None
    v = [int(s) for s in text.split(',')]
    if len(v) != n or any(not (1 <= x <= hi) for x in v):
        raise SystemExit('--%s: %d integers in [1, %d], got %r' % (what, n, hi, text))
    return torch.tensor(v)


def random_seq2seq(args, cfg):
    model = Seq2Seq(cfg)
    params = OrderedDict((n, p.detach().clone()) for n, p in model.named())
    S, T, B = cfg['src_len'], cfg['tgt_len'], cfg['batch']
    src_len = parse_lengths(args.src_lengths, B, S, 'src-lengths')
    if src_len is None:
        src_len = torch.randint(1, S + 1, (B,))
        src_len[0] = S
    tgt_len = parse_lengths(args.tgt_lengths, B, T, 'tgt-lengths')
    if tgt_len is None:
        tgt_len = torch.randint(1, T + 1, (B,))
        tgt_len[0] = T
    src = torch.randint(1, cfg['src_vocab'], (S, B))
    src[torch.arange(S).unsqueeze(1) >= src_len.unsqueeze(0)] = 0
    tgt_out = torch.randint(2, cfg['tgt_vocab'], (T, B))
    tgt_out[torch.arange(T).unsqueeze(1) >= tgt_len.unsqueeze(0)] = 0
    tgt_in = torch.cat([torch.full((1, B), cfg['start_token'], dtype=torch.long), tgt_out[:-1]])
    return params, OrderedDict([('src', src), ('src_lengths', src_len), ('tgt_in', tgt_in), ('tgt_out', tgt_out)])


# ——— rebuilding a file from its own config, params and inputs ———

def build(d):
    """Recomputes a fixture dict (as parsed from JSON) from its config, params and inputs."""
    kind, cfg, name = d['kind'], d['config'], d['name']
    params = OrderedDict((k, dec(v)) for k, v in d['params'].items())
    if kind == 'layer':
        inputs = OrderedDict((k, dec(v)) for k, v in d['inputs'].items())
        upstream = OrderedDict((k, dec(v)) for k, v in d['upstream'].items())
        return layer_fixture(name, cfg, params, inputs, upstream)
    if kind == 'model':
        x = d['inputs']['x']
        x = dec_int(x) if cfg.get('embedding') else dec(x)
        y = dec_int(d['inputs']['y']) if cfg['loss'] == 'cross_entropy' else dec(d['inputs']['y'])
        return model_fixture(name, cfg, params, OrderedDict([('x', x), ('y', y)]))
    if kind == 'seq2seq':
        inputs = OrderedDict((k, dec_int(v)) for k, v in d['inputs'].items())
        return seq2seq_fixture(name, cfg, params, inputs)
    raise ValueError('unknown kind %r' % kind)


def compare(want, got, path, report):
    """Walks two fixture trees: same keys in the same order, same shapes; records number diffs."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            report['structure'].append('%s: a dict in the file, %s rebuilt' % (path, type(got).__name__))
            return
        if list(want.keys()) != list(got.keys()):
            report['structure'].append('%s: keys %s in the file, %s rebuilt' % (path, list(want.keys()), list(got.keys())))
        if 'shape' in want and 'data' in want:
            if want['shape'] != got.get('shape'):
                report['structure'].append('%s: shape %s in the file, %s rebuilt' % (path, want['shape'], got.get('shape')))
                return
            a, b = torch.tensor(want['data'], dtype=torch.float64), torch.tensor(got['data'], dtype=torch.float64)
            report['values'].append((path, (a - b).abs().max().item() if a.numel() else 0.0,
                                     a.abs().max().item() if a.numel() else 0.0))
            return
        for k in want:
            if k in got:
                compare(want[k], got[k], path + '.' + k if path else k, report)
        return
    if isinstance(want, list):
        if not isinstance(got, list) or len(want) != len(got):
            report['structure'].append('%s: list of %d in the file, %r rebuilt' % (path, len(want), got if not isinstance(got, list) else len(got)))
            return
        for i, (w, g) in enumerate(zip(want, got)):
            compare(w, g, '%s[%d]' % (path, i), report)
        return
    if isinstance(want, float) or (isinstance(want, int) and not isinstance(want, bool) and isinstance(got, float)):
        report['values'].append((path, abs(want - got), abs(want)))
        return
    if want != got:
        report['structure'].append('%s: %r in the file, %r rebuilt' % (path, want, got))


def verify(files, tol):
    worst_all, failed = 0.0, False
    for f in files:
        with open(f) as fh:
            d = json.load(fh, object_pairs_hook=OrderedDict)
        rebuilt = json.loads(json.dumps(build(d)), object_pairs_hook=OrderedDict)
        rebuilt['generator'] = d['generator']  # the torch version may differ; nothing else may
        report = {'structure': [], 'values': []}
        compare(d, rebuilt, '', report)
        computed = [v for v in report['values'] if not v[0].startswith(('params.', 'inputs.', 'upstream.'))]
        max_abs = max((v[1] for v in computed), default=0.0)
        scale = max((v[2] for v in computed), default=0.0)
        rel = max((v[1] / max(v[2], 1e-3) for v in computed), default=0.0)
        worst = max(computed, key=lambda v: v[1] / max(v[2], 1e-3)) if computed else ('-', 0, 0)
        ok = rel <= tol and not report['structure']
        failed |= not ok
        worst_all = max(worst_all, rel)
        print('%-4s %-52s %4d values  max|diff| %.3e  max rel %.3e (worst %s)  structure %s' % (
            'ok' if ok else 'FAIL', os.path.basename(f), len(computed), max_abs, rel, worst[0],
            'identical' if not report['structure'] else '; '.join(report['structure'][:5])))
    print('%d file(s), worst relative difference %.3e (tolerance %.0e)' % (len(files), worst_all, tol))
    return 0 if not failed else 1


# ——— command line ———

def optimizer_spec(a):
    name = a.optimizer
    lr = a.lr if a.lr is not None else {'sgd': 0.1, 'sgd_momentum': 0.1, 'adam': 0.01, 'adamw': 0.01, 'rmsprop': 0.01, 'adagrad': 0.1}[name]
    spec = OrderedDict([('name', name), ('lr', lr)])
    wd = a.weight_decay
    if name == 'sgd_momentum':
        spec['momentum'] = a.momentum if a.momentum is not None else 0.9
        if a.dampening:
            spec['dampening'] = a.dampening
        if a.nesterov:
            spec['nesterov'] = True
    elif name in ('adam', 'adamw'):
        spec['betas'] = [float(b) for b in a.betas.split(',')]
        spec['eps'] = a.eps if a.eps is not None else 1e-8
        if a.amsgrad:
            spec['amsgrad'] = True
        if name == 'adamw' and wd is None:
            wd = 0.01
    elif name == 'rmsprop':
        spec['alpha'] = a.alpha
        spec['eps'] = a.eps if a.eps is not None else 1e-8
        if a.momentum:
            spec['momentum'] = a.momentum
        if a.centered:
            spec['centered'] = True
    elif name == 'adagrad':
        if a.lr_decay:
            spec['lr_decay'] = a.lr_decay
        spec['eps'] = a.eps if a.eps is not None else 1e-10
        spec['initial_accumulator_value'] = a.initial_accumulator_value
    if wd:
        spec['weight_decay'] = wd
    bad = [k for k, v in (('--nesterov', a.nesterov), ('--dampening', a.dampening)) if v and name != 'sgd_momentum']
    bad += [k for k, v in (('--amsgrad', a.amsgrad),) if v and name not in ('adam', 'adamw')]
    bad += [k for k, v in (('--centered', a.centered),) if v and name != 'rmsprop']
    bad += [k for k, v in (('--lr-decay', a.lr_decay),) if v and name != 'adagrad']
    if bad:
        raise SystemExit('make-reference: %s not an option of --optimizer %s' % (', '.join(bad), name))
    return spec


def scheduler_spec(a):
    if a.scheduler is None:
        return None
    if a.scheduler == 'step_lr':
        return OrderedDict([('name', 'step_lr'), ('step_size', a.step_size), ('gamma', a.gamma if a.gamma is not None else 0.1)])
    if a.scheduler == 'exponential_lr':
        return OrderedDict([('name', 'exponential_lr'), ('gamma', a.gamma if a.gamma is not None else 0.9)])
    return OrderedDict([('name', 'cosine_annealing_lr'), ('t_max', a.t_max), ('eta_min', a.eta_min)])


def main(argv=None):
    p = argparse.ArgumentParser(description='Write an rnn-reference/1 fixture with PyTorch (float64).',
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('--verify', nargs='+', metavar='FILE', help='rebuild these fixtures from their config, params and inputs and compare')
    p.add_argument('--tol', type=float, default=1e-12, help='--verify: largest relative difference accepted (default 1e-12)')
    p.add_argument('--kind', choices=('layer', 'model', 'seq2seq'), default='layer')
    p.add_argument('--name', help='the fixture name (default: --out without .json)')
    p.add_argument('--out', help='file to write (default: stdout)')
    p.add_argument('--seed', type=int, default=0, help='torch.manual_seed for parameters and data')
    p.add_argument('--mode', choices=MODES, default='lstm', help='the cell (seq2seq: of both sides)')
    p.add_argument('--input-size', type=int, default=3, help="I (model: set by --embedding's E)")
    p.add_argument('--hidden-size', type=int, default=4, help='H (seq2seq: per encoder direction; the decoder has D·H)')
    p.add_argument('--layers', type=int, default=1, help='L (seq2seq: both sides)')
    p.add_argument('--bidirectional', action='store_true', help='layer/model: D = 2')
    p.add_argument('--no-bias', action='store_true', help="bias: false (a model's head then has no bias either)")
    p.add_argument('--head-bias', action='store_true', help="with --no-bias, keep the model head's bias (head.bias)")
    p.add_argument('--seq-len', type=int, default=5, help='T')
    p.add_argument('--batch', type=int, default=2, help='B')
    # model
    p.add_argument('--output-size', type=int, default=3, help="V, the head's outputs")
    p.add_argument('--topology', choices=('many_to_many', 'many_to_one'), default='many_to_many')
    p.add_argument('--loss', choices=('cross_entropy', 'mse', 'bce'), default='cross_entropy')
    p.add_argument('--embedding', metavar='N,E[,padding_idx]', help='token ids → nn.Embedding(N, E) (input size becomes E)')
    p.add_argument('--padding-row', choices=('zero', 'random'), default='zero',
                   help="the padding row's initial value (PyTorch initialises it to zero; the format allows any)")
    p.add_argument('--steps', type=int, default=3, help='model: training steps on the one batch')
    p.add_argument('--optimizer', choices=OPTIMIZERS, default='sgd')
    p.add_argument('--lr', type=float, help='default: sgd 0.1, adam/adamw/rmsprop 0.01, adagrad 0.1')
    p.add_argument('--momentum', type=float, help='sgd_momentum (default 0.9) or rmsprop (default 0)')
    p.add_argument('--dampening', type=float, default=0, help='sgd_momentum')
    p.add_argument('--nesterov', action='store_true', help='sgd_momentum')
    p.add_argument('--betas', default='0.9,0.999', help='adam/adamw: beta1,beta2')
    p.add_argument('--eps', type=float, help='adam/adamw/rmsprop (1e-8), adagrad (1e-10)')
    p.add_argument('--alpha', type=float, default=0.99, help='rmsprop')
    p.add_argument('--centered', action='store_true', help='rmsprop')
    p.add_argument('--amsgrad', action='store_true', help='adam/adamw')
    p.add_argument('--lr-decay', type=float, default=0, help='adagrad')
    p.add_argument('--initial-accumulator-value', type=float, default=0, help='adagrad')
    p.add_argument('--weight-decay', type=float, help='L2 (adamw: decoupled, default 0.01)')
    p.add_argument('--clip-norm', type=float, help='clip the global gradient norm to this')
    p.add_argument('--clip-value', type=float, help='clamp every gradient entry to [-v, v] (after --clip-norm)')
    p.add_argument('--scheduler', choices=SCHEDULERS)
    p.add_argument('--step-size', type=int, default=2, help='step_lr')
    p.add_argument('--gamma', type=float, help='step_lr (default 0.1), exponential_lr (default 0.9)')
    p.add_argument('--t-max', type=int, default=3, help='cosine_annealing_lr')
    p.add_argument('--eta-min', type=float, default=0.0, help='cosine_annealing_lr')
    # seq2seq
    p.add_argument('--attention', choices=ATTENTIONS, default='dot')
    p.add_argument('--input-feed', action='store_true', help='seq2seq: decoder input [emb; h~(t-1)]')
    p.add_argument('--bidirectional-encoder', action='store_true', help='seq2seq: D = 2, decoder state per layer [h_fwd; h_bwd]')
    p.add_argument('--src-vocab', type=int, default=6, help='seq2seq (0 padding; source ids in [1, src_vocab))')
    p.add_argument('--tgt-vocab', type=int, default=6, help='seq2seq (0 padding, 1 start; target ids in [2, tgt_vocab))')
    p.add_argument('--embedding-dim', type=int, default=3, help='seq2seq: E')
    p.add_argument('--src-len', type=int, default=4, help='seq2seq: S')
    p.add_argument('--tgt-len', type=int, default=4, help='seq2seq: T')
    p.add_argument('--src-lengths', help='comma-separated source lengths, one per batch row (default: random, row 0 full)')
    p.add_argument('--tgt-lengths', help='comma-separated target lengths (non-padding tgt_out positions) per row')
    a = p.parse_args(argv)

    if a.verify:
        return verify(a.verify, a.tol)
    for key in ('input_size', 'hidden_size', 'layers', 'seq_len', 'batch', 'output_size', 'steps', 'embedding_dim', 'src_len', 'tgt_len'):
        if getattr(a, key) < 1:
            p.error('--%s must be >= 1, got %d' % (key.replace('_', '-'), getattr(a, key)))

    torch.manual_seed(a.seed)
    name = a.name or (os.path.splitext(os.path.basename(a.out))[0] if a.out else 'fixture')
    if a.kind in ('layer', 'model'):
        cfg = OrderedDict([('mode', a.mode), ('input_size', a.input_size), ('hidden_size', a.hidden_size),
                           ('num_layers', a.layers), ('bidirectional', a.bidirectional), ('bias', not a.no_bias),
                           ('seq_len', a.seq_len), ('batch', a.batch)])
    if a.kind == 'layer':
        params, inputs, upstream = random_layer(a, cfg)
        fixture = layer_fixture(name, cfg, params, inputs, upstream)
    elif a.kind == 'model':
        emb = None
        if a.embedding:
            parts = [int(s) for s in a.embedding.split(',')]
            if len(parts) not in (2, 3):
                raise SystemExit('--embedding: N,E or N,E,padding_idx, got %r' % a.embedding)
            if parts[0] < 1 or parts[1] < 1 or (len(parts) == 3 and not 0 <= parts[2] < parts[0]):
                raise SystemExit('--embedding: N, E >= 1 and 0 <= padding_idx < N, got %r' % a.embedding)
            emb = OrderedDict([('num_embeddings', parts[0]), ('embedding_dim', parts[1]), ('padding_idx', parts[2] if len(parts) == 3 else None)])
            cfg['input_size'] = parts[1]
        cfg.update([('output_size', a.output_size), ('topology', a.topology), ('loss', a.loss),
                    ('clip_norm', a.clip_norm), ('clip_value', a.clip_value), ('optimizer', optimizer_spec(a)), ('steps', a.steps)])
        if emb:
            cfg['embedding'] = emb
        sched = scheduler_spec(a)
        if sched:
            cfg['scheduler'] = sched
        params, inputs = random_model(a, cfg)
        fixture = model_fixture(name, cfg, params, inputs)
    else:
        cfg = OrderedDict([('mode', a.mode), ('src_vocab', a.src_vocab), ('tgt_vocab', a.tgt_vocab), ('embedding_dim', a.embedding_dim),
                           ('hidden_size', a.hidden_size), ('num_layers', a.layers), ('bidirectional_encoder', a.bidirectional_encoder),
                           ('attention', a.attention), ('input_feed', a.input_feed), ('padding_idx', 0), ('start_token', 1),
                           ('src_len', a.src_len), ('tgt_len', a.tgt_len), ('batch', a.batch)])
        if a.tgt_vocab < 3 or a.src_vocab < 2:
            raise SystemExit('make-reference: --tgt-vocab must be ≥ 3 (0 padding, 1 start) and --src-vocab ≥ 2')
        params, inputs = random_seq2seq(a, cfg)
        fixture = seq2seq_fixture(name, cfg, params, inputs)

    text = json.dumps(fixture)
    if a.out:
        with open(a.out, 'w') as fh:
            fh.write(text)
        print('wrote %s (%d bytes)' % (a.out, len(text)), file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
